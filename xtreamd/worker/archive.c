#include "archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARCH_PATH_MAX 4200

static int ensure_dir(const char *path)
{
    if (mkdir(path, 0755) && errno != EEXIST)
        return -1;
    struct stat sb;
    if (stat(path, &sb))
        return -1;
    if (!S_ISDIR(sb.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int arch_record(char *out, int64_t start_ms, int64_t dur_ms, int64_t bytes, int disc)
{
    if (start_ms < 0 || start_ms > 9999999999999LL || dur_ms < 0 || dur_ms > 99999999LL ||
        bytes < 0 || bytes > 999999999999LL)
        return -1;
    int n = snprintf(out, XTW_ARCH_REC_LEN + 1, "%013lld %08lld %012lld %c\n", (long long)start_ms,
                     (long long)dur_ms, (long long)bytes, disc ? 'D' : '-');
    return n == XTW_ARCH_REC_LEN ? 0 : -1;
}

/* a copy for an archive on another file system: tmp + rename, like the
 * live segments */
static int copy_file(const char *from, const char *to)
{
    char tmp[ARCH_PATH_MAX + 8], buf[65536];
    int in, out, rc = -1;
    ssize_t n;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", to) >= (int)sizeof tmp)
        return -1;
    if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
        close(in);
        return -1;
    }
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            break;
    if (n == 0)
        rc = 0;
    if (close(out))
        rc = -1;
    close(in);
    if (!rc && rename(tmp, to))
        rc = -1;
    if (rc)
        unlink(tmp);
    return rc;
}

int arch_add(const char *archive_dir, const char *path, int64_t start_ms, int64_t dur_ms, int disc)
{
    char dir[ARCH_PATH_MAX], file[ARCH_PATH_MAX], index[ARCH_PATH_MAX], rec[XTW_ARCH_REC_LEN + 1];
    struct stat sb;
    int64_t hour = start_ms / 3600000;

    if (ensure_dir(archive_dir) ||
        snprintf(dir, sizeof dir, "%s/%lld", archive_dir, (long long)hour) >= (int)sizeof dir ||
        snprintf(file, sizeof file, "%s/%lld.ts", dir, (long long)start_ms) >= (int)sizeof file ||
        snprintf(index, sizeof index, "%s/index", dir) >= (int)sizeof index || ensure_dir(dir))
        return -1;
    if (link(path, file)) {
        if (errno == EEXIST)
            return 0; /* already archived (the same segment offered twice) */
        if (errno != EXDEV && errno != EPERM)
            return -1;
        if (copy_file(path, file))
            return -1;
    }
    if (stat(file, &sb) || arch_record(rec, start_ms, dur_ms, (int64_t)sb.st_size, disc)) {
        unlink(file);
        return -1;
    }
    /* one write() of one record with O_APPEND: a crash leaves at most a
     * torn last record, which readers skip */
    int fd = open(index, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    /* a torn record from a crash would misalign every later one */
    if (fstat(fd, &sb) == 0 && sb.st_size % XTW_ARCH_REC_LEN &&
        ftruncate(fd, sb.st_size - sb.st_size % XTW_ARCH_REC_LEN)) {
        close(fd);
        return -1;
    }
    ssize_t w = write(fd, rec, XTW_ARCH_REC_LEN);
    int rc = (w == XTW_ARCH_REC_LEN) ? 0 : -1;
    if (close(fd))
        rc = -1;
    return rc;
}

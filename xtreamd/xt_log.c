#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xt_log.h"

static int  xt_log_fd = 2;

static const char *xt_levels[] = { "error", "warn", "info", "debug" };


int
xt_log_open(const char *path)
{
    int  fd;

    if (path == NULL || path[0] == '\0') {
        xt_log_fd = 2;
        return 0;
    }
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        return -1;
    }
    xt_log_fd = fd;
    return 0;
}


void
xt_log(int level, const char *fmt, ...)
{
    char       line[2048];
    size_t     n;
    time_t     now = time(NULL);
    struct tm  tm;
    va_list    ap;

    gmtime_r(&now, &tm);
    n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
    n += (size_t) snprintf(line + n, sizeof(line) - n, " [%s] ",
                           xt_levels[level & 3]);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    n = strlen(line);
    if (n > sizeof(line) - 2) {
        n = sizeof(line) - 2;
    }
    line[n++] = '\n';
    /* one write per line: appends from several processes do not interleave */
    (void) !write(xt_log_fd, line, n);
}

/*
 * Workers left by a previous xtreamd.  Workers die with their daemon
 * (PR_SET_PDEATHSIG), but a worker that cannot act on the signal (stopped,
 * stuck in the kernel) outlives it; a new daemon would then run a second
 * worker for the same stream, both writing one media directory.  So at
 * start, before any spawn, every xtream-worker process writing under our
 * media_root is killed (its process group) and waited for: they cannot be
 * adopted (their status pipe died with the old daemon), they are
 * restarted.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xt_log.h"
#include "xt_supervisor_int.h"

#define XT_ORPHANS_MAX  256


static ssize_t
xt_read_proc(long pid, const char *what, char *buf, size_t size)
{
    char     path[64];
    int      fd;
    ssize_t  n;

    snprintf(path, sizeof(path), "/proc/%ld/%s", pid, what);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    n = read(fd, buf, size - 1);
    close(fd);
    if (n >= 0) {
        buf[n] = '\0';
    }
    return n;
}


/* 1 when the process is an xtream-worker whose --output is under root */
static int
xt_is_our_worker(long pid, const char *root, size_t rlen, char *out,
    size_t outlen)
{
    char        buf[16384], *p, *end, *base;
    ssize_t     n;

    n = xt_read_proc(pid, "cmdline", buf, sizeof(buf));
    if (n <= 0) {
        return 0;
    }
    end = buf + n;
    base = strrchr(buf, '/');
    base = base ? base + 1 : buf;
    if (strcmp(base, "xtream-worker") != 0) {
        return 0;
    }
    for (p = buf; p < end; p += strlen(p) + 1) {
        if (strcmp(p, "--output") == 0 && p + strlen(p) + 1 < end) {
            p += strlen(p) + 1;
            if (strncmp(p, root, rlen) == 0 && p[rlen] == '/') {
                snprintf(out, outlen, "%s", p);
                return 1;
            }
            return 0;
        }
    }
    return 0;
}


/* gone, or a zombie waiting for its new parent to reap it */
static int
xt_gone(long pid)
{
    char   buf[512], *p;

    if (kill((pid_t) pid, 0) != 0 && errno == ESRCH) {
        return 1;
    }
    if (xt_read_proc(pid, "stat", buf, sizeof(buf)) <= 0) {
        return 1;
    }
    p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] == 'Z';
}


unsigned
xt_sup_end_orphans(const char *media_root)
{
    DIR             *d;
    struct dirent   *de;
    long             pid, pids[XT_ORPHANS_MAX], self = (long) getpid();
    unsigned         n = 0, i, left;
    size_t           rlen = strlen(media_root);
    char             out[4096], *e;
    struct timespec  ts = { 0, 20 * 1000000L };
    int              tries;

    if (rlen == 0) {
        return 0;
    }
    while (rlen > 1 && media_root[rlen - 1] == '/') {
        rlen--;
    }
    d = opendir("/proc");
    if (d == NULL) {
        return 0;
    }
    while ((de = readdir(d)) != NULL && n < XT_ORPHANS_MAX) {
        pid = strtol(de->d_name, &e, 10);
        if (*e != '\0' || pid <= 1 || pid == self) {
            continue;
        }
        if (!xt_is_our_worker(pid, media_root, rlen, out, sizeof(out))) {
            continue;
        }
        xt_log(XT_LOG_WARN, "worker pid %ld (output %s) left by a previous "
               "xtreamd: killed, the stream starts afresh", pid, out);
        if (kill((pid_t) -pid, SIGKILL) != 0) {
            (void) kill((pid_t) pid, SIGKILL);
        }
        pids[n++] = pid;
    }
    closedir(d);

    /* SIGKILL ends even a stopped process; wait (up to 5 s) so that the
       new worker never overlaps the old one */
    for (tries = 0; tries < 250; tries++) {
        for (i = 0, left = 0; i < n; i++) {
            left += !xt_gone(pids[i]);
        }
        if (left == 0) {
            break;
        }
        nanosleep(&ts, NULL);
    }
    if (n && left) {
        xt_log(XT_LOG_ERR, "%u worker(s) of a previous xtreamd do not end "
               "(stuck in the kernel?)", left);
    }
    return n;
}

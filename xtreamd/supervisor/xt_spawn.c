/*
 * Child processes (workers, the EPG refresh): fork + exec in a process
 * group of their own, with PR_SET_PDEATHSIG so a daemon killed by SIGKILL
 * leaves no orphan, a status pipe on a fixed fd, stdin/stdout on
 * /dev/null and stderr appended to the daemon's log file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xt_spawn.h"


static void
xt_close_from(int lowfd)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned) lowfd, ~0U, 0) == 0) {
        return;
    }
#endif
    {
        long  max = sysconf(_SC_OPEN_MAX), fd;

        if (max < 0 || max > 65536) {
            max = 65536;
        }
        for (fd = lowfd; fd < max; fd++) {
            close((int) fd);
        }
    }
}


pid_t
xt_spawn(char **argv, int child_fd, const char *log_path,
    int *status_rd)
{
    int       p[2], fd, i;
    pid_t     pid, parent = getpid();
    sigset_t  all;

    if (pipe2(p, O_CLOEXEC) != 0) {
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }

    if (pid == 0) {
        /* child: only async-signal-safe calls until exec */
        (void) setpgid(0, 0);
        (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) {
            _exit(127);                 /* the daemon died meanwhile */
        }
        for (i = 1; i < 32; i++) {
            if (i != SIGKILL && i != SIGSTOP) {
                signal(i, SIG_DFL);
            }
        }
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);

        if (p[1] != child_fd) {
            if (dup2(p[1], child_fd) < 0) {
                _exit(127);
            }
        } else {
            (void) fcntl(child_fd, F_SETFD, 0);
        }
        fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
        }
        if (log_path && log_path[0]) {
            fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT, 0640);
            if (fd >= 0) {
                dup2(fd, 2);
            }
        }
        xt_close_from(child_fd + 1);
        for (fd = 3; fd < child_fd; fd++) {
            close(fd);
        }
        execv(argv[0], argv);
        _exit(127);
    }

    /* parent: set the group here too so a signal sent right away finds
       it whichever side ran first */
    (void) setpgid(pid, pid);
    close(p[1]);
    (void) fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    *status_rd = p[0];
    return pid;
}


void
xt_spawn_signal(pid_t pid, int sig)
{
    if (pid <= 0) {
        return;
    }
    if (kill(-pid, sig) != 0) {
        (void) kill(pid, sig);
    }
}

/*
 * Child processes of xtreamd (stream workers, the EPG refresh): one
 * spawn for both, so every child gets the same process group, parent-death
 * signal, descriptor hygiene and log file.
 */
#ifndef XT_SPAWN_H
#define XT_SPAWN_H

#include <sys/types.h>

/* fork + exec argv[0] in its own process group with PR_SET_PDEATHSIG;
   *status_rd gets the read end of its status pipe (non-blocking), which
   the child has as fd status_fd_in_child; stdin/stdout are /dev/null and
   stderr goes to log_path (appended) when set.  Returns the pid or -1. */
pid_t xt_spawn(char **argv, int status_fd_in_child, const char *log_path,
    int *status_rd);
/* signal the child's process group (falls back to the pid) */
void xt_spawn_signal(pid_t pid, int sig);

#endif

/*
 * The event socket: unix datagram, non-blocking, bound at start (a stale
 * socket file is removed).  Only the nginx workers may write to it: mode
 * 0600 when they run as xtreamd's own user, or 0660 and the group
 * event_socket_group when they run as another user.  Any other local user
 * is refused by the kernel (EACCES), so no one can forge open/close/start
 * datagrams (a fake viewer, wrong counts fed to a cluster).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xt_events.h"
#include "xt_log.h"


int
xt_events_open(xt_events_t *ev, const char *path, const char *group,
    char *err, size_t errlen)
{
    struct sockaddr_un  sa;
    struct stat         sb;
    struct group       *gr;
    int                 fd, rc, rcvbuf = 1 << 20;
    mode_t              old;

    memset(ev, 0, sizeof(*ev));
    ev->fd = -1;
    if (path[0] == '\0') {
        return 0;                       /* no sink configured */
    }
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "event_socket %s: path too long", path);
        return -1;
    }
    /* remove a stale socket, never a regular file */
    if (lstat(path, &sb) == 0) {
        if (!S_ISSOCK(sb.st_mode)) {
            snprintf(err, errlen, "event_socket %s exists and is not a "
                     "socket", path);
            return -1;
        }
        unlink(path);
    }
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path));
    /* born 0600: never writable by others, not even until the chmod (at
       start, before any thread that could create files meanwhile) */
    old = umask(0177);
    rc = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
    umask(old);
    if (rc != 0) {
        snprintf(err, errlen, "event_socket %s: bind: %s", path,
                 strerror(errno));
        close(fd);
        return -1;
    }
    if (group && group[0]) {
        gr = getgrnam(group);
        if (gr == NULL || chown(path, (uid_t) -1, gr->gr_gid) != 0
            || chmod(path, XT_EVENTS_MODE_GROUP) != 0)
        {
            snprintf(err, errlen, "event_socket %s: group %s: %s", path,
                     group, gr ? strerror(errno) : "no such group");
            close(fd);
            unlink(path);
            return -1;
        }
    } else if (chmod(path, XT_EVENTS_MODE_OWNER) != 0) {
        snprintf(err, errlen, "event_socket %s: chmod: %s", path,
                 strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    ev->fd = fd;
    return 0;
}


int
xt_events_recv(xt_events_t *ev, xt_event_t *e)
{
    char         buf[XT_EVENT_MAX + 1];
    ssize_t      n;
    const char  *why;

    if (ev->fd < 0) {
        return 0;
    }
    for ( ;; ) {
        /* one byte more than allowed: a longer datagram is seen as such
           (MSG_TRUNC returns its real length) */
        n = recv(ev->fd, buf, sizeof(buf), MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 0;                   /* EAGAIN, or nothing usable */
        }
        ev->received++;
        if (xt_event_parse(buf, (size_t) n > sizeof(buf) ? sizeof(buf)
                                                         : (size_t) n,
                           e, &why) == 0)
        {
            return 1;
        }
        ev->bad++;
        if (ev->bad <= 10 || ev->bad % 1000 == 0) {
            xt_log(XT_LOG_WARN, "event datagram dropped (%s, %zd bytes); "
                   "%lu dropped so far", why, n, ev->bad);
        }
    }
}


void
xt_events_close(xt_events_t *ev, const char *path)
{
    xt_events_free_conns(ev);
    if (ev->fd >= 0) {
        close(ev->fd);
        ev->fd = -1;
        unlink(path);
    }
}

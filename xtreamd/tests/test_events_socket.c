/*
 * The event socket's permissions (issue 18): mode 0600, or 0660 with
 * event_socket_group; a datagram from another uid is refused by the
 * kernel while the owner's arrives.  The other-uid half needs root (it
 * becomes nobody in a child) and is skipped with a note otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xt_events.h"
#include "xt_test.h"

#define XT_NOBODY  65534


static int
send_to(const char *path, const char *msg)
{
    struct sockaddr_un  sa;
    int                 fd, rc;

    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0) {
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    rc = (int) sendto(fd, msg, strlen(msg), 0, (struct sockaddr *) &sa,
                      sizeof(sa));
    if (rc < 0) {
        rc = -errno;
    }
    close(fd);
    return rc;
}


/* in a child as nobody: the errno of sending to each path (0: sent) */
static int
send_as_nobody(const char *a, const char *b, int *ea, int *eb)
{
    pid_t  pid;
    int    st, ra, rb;

    pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setgid(XT_NOBODY) != 0
            || setuid(XT_NOBODY) != 0)
        {
            _exit(255);
        }
        ra = send_to(a, "{\"ev\":\"start\",\"stream\":1}");
        rb = send_to(b, "{\"ev\":\"start\",\"stream\":1}");
        _exit((ra == -EACCES ? 1 : ra > 0 ? 0 : 2)
              | (rb == -EACCES ? 4 : rb > 0 ? 0 : 8));
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)
        || WEXITSTATUS(st) == 255)
    {
        return -1;
    }
    *ea = WEXITSTATUS(st) & 3;
    *eb = (WEXITSTATUS(st) >> 2) & 3;
    return 0;
}


void
test_events_socket(void)
{
    char          dir[] = "/tmp/xt-evsock-XXXXXX", path[64], ctl[64];
    char          err[256];
    struct stat   sb;
    struct group *gr;
    xt_events_t   ev;
    xt_event_t    e;
    int           cfd, ea = -1, eb = -1;

    CHECK(mkdtemp(dir) != NULL);
    CHECK(chmod(dir, 0755) == 0);       /* others may reach the files */
    snprintf(path, sizeof(path), "%s/ev.sock", dir);
    snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);

    /* no group: the owner only */
    CHECK(xt_events_open(&ev, path, "", err, sizeof(err)) == 0);
    CHECK(lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode));
    CHECK((sb.st_mode & 07777) == 0600);
    CHECK(sb.st_uid == geteuid());
    /* the owner's datagrams arrive and are parsed as before */
    CHECK(send_to(path, "{\"ev\":\"start\",\"stream\":9,\"ts\":1}") > 0);
    CHECK(xt_events_recv(&ev, &e) == 1 && e.type == XT_EV_START
          && e.stream == 9);
    CHECK(send_to(path, "{\"ev\":\"start\",\"stream\":\"x\"}") > 0);
    CHECK(xt_events_recv(&ev, &e) == 0);        /* invalid: dropped */

    if (geteuid() == 0) {
        /* a control socket anyone may write, in the same directory: the
           refusal below is the mode's doing, not the path's */
        struct sockaddr_un  sa;

        cfd = socket(AF_UNIX, SOCK_DGRAM, 0);
        memset(&sa, 0, sizeof(sa));
        sa.sun_family = AF_UNIX;
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ctl);
        CHECK(cfd >= 0 && bind(cfd, (struct sockaddr *) &sa, sizeof(sa))
              == 0 && chmod(ctl, 0666) == 0);
        CHECK(send_as_nobody(path, ctl, &ea, &eb) == 0);
        CHECK(ea == 1);                 /* EACCES */
        CHECK(eb == 0);                 /* sent */
        CHECK(xt_events_recv(&ev, &e) == 0);    /* nothing forged arrived */
        close(cfd);
        unlink(ctl);
    } else {
        printf("test_events_socket: not root, the other-uid send is "
               "skipped (mode checked)\n");
    }
    xt_events_close(&ev, path);

    /* with a group: 0660 and that group */
    gr = getgrgid(getegid());
    CHECK(gr != NULL);
    if (gr) {
        CHECK(xt_events_open(&ev, path, gr->gr_name, err, sizeof(err)) == 0);
        CHECK(lstat(path, &sb) == 0 && (sb.st_mode & 07777) == 0660);
        CHECK(sb.st_gid == gr->gr_gid);
        xt_events_close(&ev, path);
    }
    CHECK(xt_events_open(&ev, path, "no-such-group-xt", err, sizeof(err))
          == -1);
    CHECK(strstr(err, "no such group") != NULL);
    unlink(path);
    rmdir(dir);
}

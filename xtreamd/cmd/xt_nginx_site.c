/* A site file's xtream_* paths (xt_nginx_site.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_nginx_site.h"

#define XT_SITE_MAX  (1024 * 1024)


static void
xt_site_take(xt_nginx_site_t *s, const char *stmt, size_t len)
{
    static const struct { const char *name; size_t off; } keys[] = {
        { "xtream_snapshot_dir", offsetof(xt_nginx_site_t, snapshot_dir) },
        { "xtream_media_root", offsetof(xt_nginx_site_t, media_root) },
        { "xtream_archive_root", offsetof(xt_nginx_site_t, archive_root) },
        { "xtream_event_socket", offsetof(xt_nginx_site_t, event_socket) },
        { "xtream_secret", offsetof(xt_nginx_site_t, secret) },
        { "xtream_cluster_secret", offsetof(xt_nginx_site_t, cluster_secret) },
    };
    const char  *p = stmt, *end = stmt + len, *w, *v;
    size_t       k, wl, vl;

    while (p < end && strchr(" \t\r\n", *p)) {
        p++;
    }
    w = p;
    while (p < end && !strchr(" \t\r\n", *p)) {
        p++;
    }
    wl = (size_t) (p - w);
    while (p < end && strchr(" \t\r\n", *p)) {
        p++;
    }
    v = p;
    while (p < end && !strchr(" \t\r\n", *p)) {
        p++;
    }
    vl = (size_t) (p - v);
    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        if (wl == strlen(keys[k].name) && memcmp(w, keys[k].name, wl) == 0
            && vl > 0 && vl < XT_CONF_PATH_MAX)
        {
            char  *dst = (char *) s + keys[k].off;
            memcpy(dst, v, vl);
            dst[vl] = '\0';
        }
    }
}


int
xt_nginx_site_load(xt_nginx_site_t *s, const char *path, char *err,
    size_t errlen)
{
    FILE    *f;
    char    *buf;
    size_t   n, i, start = 0;
    int      comment = 0;

    memset(s, 0, sizeof(*s));
    f = fopen(path, "re");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    buf = malloc(XT_SITE_MAX);
    if (buf == NULL) {
        fclose(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n = fread(buf, 1, XT_SITE_MAX, f);
    fclose(f);
    /* blank out comments, then cut statements */
    for (i = 0; i < n; i++) {
        if (buf[i] == '#') {
            comment = 1;
        } else if (buf[i] == '\n') {
            comment = 0;
        }
        if (comment) {
            buf[i] = ' ';
        }
    }
    for (i = 0; i < n; i++) {
        if (buf[i] == ';' || buf[i] == '{' || buf[i] == '}') {
            if (buf[i] == ';') {
                xt_site_take(s, buf + start, i - start);
            }
            start = i + 1;
        }
    }
    free(buf);
    return 0;
}


const char *
xt_nginx_site_secret_file(const char *value)
{
    return strncmp(value, "file:", 5) == 0 && value[5] ? value + 5 : NULL;
}


int
xt_nginx_site_compare(const xt_nginx_site_t *s, const xt_config_t *cf,
    char *out, size_t outlen)
{
    const struct { const char *site, *conf, *sname, *cname; } pairs[] = {
        { s->snapshot_dir, cf->snapshot_dir, "xtream_snapshot_dir",
          "snapshot_dir" },
        { s->media_root, cf->media_root, "xtream_media_root", "media_root" },
        { s->archive_root, cf->archive_root, "xtream_archive_root",
          "archive_root" },
        { s->event_socket, cf->event_socket, "xtream_event_socket",
          "event_socket" },
    };
    size_t  k, used = 0;
    int     bad = 0, w;

    out[0] = '\0';
    for (k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
        if (strcmp(pairs[k].site, pairs[k].conf) == 0) {
            continue;
        }
        w = snprintf(out + used, outlen - used, "  nginx %s \"%s\" but "
                     "xtreamd.conf %s \"%s\"\n", pairs[k].sname,
                     pairs[k].site, pairs[k].cname, pairs[k].conf);
        if (w > 0 && (size_t) w < outlen - used) {
            used += (size_t) w;
        }
        bad++;
    }
    if (xt_nginx_site_secret_file(s->secret) == NULL) {
        w = snprintf(out + used, outlen - used, "  nginx xtream_secret "
                     "must be \"file:PATH\" (setup makes the file)\n");
        if (w > 0 && (size_t) w < outlen - used) {
            used += (size_t) w;
        }
        bad++;
    }
    return bad;
}

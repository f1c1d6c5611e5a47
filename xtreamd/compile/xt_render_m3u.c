/* M3U "#EXTINF" lines for the catalog (the module appends the URL line). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_grow.h"
#include "xt_render.h"


int
xt_buf_put(xt_buf_t *b, const void *p, size_t n)
{
    if (n > SIZE_MAX - b->len
        || xt_reserve((void **) &b->p, &b->cap, b->len + n, 1) != 0)
    {
        return -1;
    }
    if (n) {
        memcpy(b->p + b->len, p, n);
    }
    b->len += n;
    return 0;
}


void
xt_buf_free(xt_buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}


/* v without CR, LF (and '"' when quoted) */
static int
xt_m3u_clean(xt_buf_t *b, xt_sv_t v, int quoted)
{
    size_t  i, from = 0;
    char    ch;

    for (i = 0; i < v.len; i++) {
        ch = v.p[i];
        if (ch == '\r' || ch == '\n' || ch == '\0' || (quoted && ch == '"')) {
            if (xt_buf_put(b, v.p + from, i - from) != 0) {
                return -1;
            }
            from = i + 1;
        }
    }
    return xt_buf_put(b, v.p + from, v.len - from);
}


static int
xt_m3u_attr(xt_buf_t *b, const char *name, xt_sv_t v)
{
    return xt_buf_put(b, " ", 1) || xt_buf_put(b, name, strlen(name))
           || xt_buf_put(b, "=\"", 2) || xt_m3u_clean(b, v, 1)
           || xt_buf_put(b, "\"", 1) ? -1 : 0;
}


int
xt_render_m3u(xt_buf_t *b, xt_sv_t id, xt_sv_t name, xt_sv_t logo,
    xt_sv_t group, unsigned catchup_days, xt_sv_t title)
{
    return xt_render_m3u_live(b, id, name, logo, group, catchup_days, 0,
                              title);
}


int
xt_render_m3u_live(xt_buf_t *b, xt_sv_t id, xt_sv_t name, xt_sv_t logo,
    xt_sv_t group, unsigned catchup_days, int radio, xt_sv_t title)
{
    char  days[16];
    int   n;

    b->len = 0;
    if (xt_buf_put(b, "#EXTINF:-1", 10) || xt_m3u_attr(b, "tvg-id", id)
        || xt_m3u_attr(b, "tvg-name", name) || xt_m3u_attr(b, "tvg-logo", logo)
        || xt_m3u_attr(b, "group-title", group))
    {
        return -1;
    }
    if (catchup_days) {
        n = snprintf(days, sizeof(days), "%u", catchup_days);
        if (xt_m3u_attr(b, "catchup", XT_SV("xc"))
            || xt_m3u_attr(b, "catchup-days", (xt_sv_t) { days, (size_t) n })
            || xt_m3u_attr(b, "timeshift", (xt_sv_t) { days, (size_t) n }))
        {
            return -1;
        }
    }
    if (radio && xt_m3u_attr(b, "radio", XT_SV("true"))) {
        return -1;
    }
    return xt_buf_put(b, ",", 1) || xt_m3u_clean(b, title, 0) ? -1 : 0;
}


int
xt_render_episode_name(xt_buf_t *b, xt_sv_t series, unsigned season,
    unsigned episode)
{
    char  tail[48];
    int   n = snprintf(tail, sizeof(tail), " S%02u E%02u", season, episode);

    b->len = 0;
    return xt_buf_put(b, series.p, series.len)
           || xt_buf_put(b, tail, (size_t) n) ? -1 : 0;
}

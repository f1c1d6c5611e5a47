/* LIVE_M3U: the "#EXTINF:-1 ..." line of each LIVE record, same order. */
#include <stdio.h>
#include <stdlib.h>

#include "xt_compile_cat.h"
#include "xt_grow.h"


/* called by the live step right after record c->nlive - 1 was added */
int
xt_cat_live_m3u_add(xt_cat_t *c, xt_sv_t epg_id, xt_sv_t name, xt_sv_t icon,
    xt_sv_t category, unsigned archive_days, int radio)
{
    size_t  i = c->nlive - 1;

    if (xt_grow((void **) &c->live_m3u, &c->live_m3u_cap, i,
                sizeof(xt_snap_str_t)) != 0
        || xt_render_m3u_live(&c->line, epg_id, name, icon, category,
                              archive_days, radio, name) != 0)
    {
        return -1;
    }
    c->live_m3u[i] = xt_snap_writer_str(c->w, c->line.p, c->line.len);
    return 0;
}


int
xt_cat_live_m3u_section(xt_cat_t *c)
{
    return xt_cat_section(c, XT_SEC_LIVE_M3U, (uint32_t) c->nlive,
                          c->live_m3u, c->nlive * sizeof(xt_snap_str_t));
}

/*
 * Read side of the snapshot format (common/xt_snap_format.h): validation of
 * a mapped file and the lookups the module needs.  Pure C, no nginx: the
 * caller maps the file, xt_snap_open() decides whether it may be used.
 */

#ifndef XT_SNAPSHOT_H
#define XT_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "xt_snap_format.h"


typedef struct {
    const unsigned char        *base;
    size_t                      size;
    const xt_snap_header_t     *hdr;

    const char                 *strings;
    uint32_t                    strings_len;
    const uint32_t             *u32;
    uint32_t                    nu32;

    /* lines kind */
    const xt_snap_line_t       *lines;
    uint32_t                    nlines;
    const uint32_t             *line_index;
    uint32_t                    nslots;
    const uint32_t             *line_kicks;   /* nlines entries, or NULL */
    const xt_snap_line_mac_t   *line_macs;    /* sorted by mac, or NULL */
    uint32_t                    nline_macs;

    /* catalog kind */
    const xt_snap_setting_t    *settings;
    uint32_t                    nsettings;
    const xt_snap_category_t   *categories;
    uint32_t                    ncategories;
    const xt_snap_bouquet_t    *bouquets;
    uint32_t                    nbouquets;
    const xt_snap_live_t       *live;
    uint32_t                    nlive;
    const xt_snap_str_t        *live_m3u;   /* nlive entries, or NULL */
    const xt_snap_movie_t      *movies;
    uint32_t                    nmovies;
    const xt_snap_series_t     *series;
    uint32_t                    nseries;
    const xt_snap_episode_t    *episodes;
    uint32_t                    nepisodes;
    const xt_snap_server_t     *servers;
    uint32_t                    nservers;

    /* epg kind */
    const xt_snap_epg_channel_t  *epg_channels;
    uint32_t                      nepg_channels;
    const xt_snap_epg_prog_t     *epg_progs;
    uint32_t                      nepg_progs;
    const xt_snap_epg_extra_t    *epg_extra;  /* nepg_progs entries, or
                                                 NULL */
} xt_snap_t;


/*
 * Validates buf[0..size) as a snapshot of the given kind and fills s.
 * Returns 0, or -1 with *err set to a static description.  Nothing outside
 * the buffer is ever read, whatever the contents.
 */
int xt_snap_open(xt_snap_t *s, const void *buf, size_t size, uint32_t kind,
    const char **err);

/* the bytes of a validated string reference */
static inline const char *
xt_snap_strp(const xt_snap_t *s, xt_snap_str_t str)
{
    return s->strings + str.off;
}

const xt_snap_line_t *xt_snap_line_find(const xt_snap_t *s,
    const unsigned char *name, size_t len);
/* the line bound to a MAG box's mac (XT_SEC_LINE_MACS), or NULL */
const xt_snap_line_t *xt_snap_line_by_mac(const xt_snap_t *s,
    const uint8_t mac[6]);
/* lines are sorted by id: binary search */
const xt_snap_line_t *xt_snap_line_by_id(const xt_snap_t *s, uint32_t id);
/* the line's kick generation (XT_SEC_LINE_KICKS), 0 when absent */
uint32_t xt_snap_line_kick(const xt_snap_t *s, const xt_snap_line_t *l);
const xt_snap_bouquet_t *xt_snap_bouquet_find(const xt_snap_t *s,
    uint32_t id);
const xt_snap_live_t *xt_snap_live_find(const xt_snap_t *s, uint32_t id);
const xt_snap_movie_t *xt_snap_movie_find(const xt_snap_t *s, uint32_t id);
const xt_snap_series_t *xt_snap_series_find(const xt_snap_t *s, uint32_t id);
const xt_snap_episode_t *xt_snap_episode_find(const xt_snap_t *s,
    uint32_t id);
const xt_snap_server_t *xt_snap_server_find(const xt_snap_t *s, uint32_t id);
/* the server with is_main set (the first one), or NULL */
const xt_snap_server_t *xt_snap_server_main(const xt_snap_t *s);

/* record indexes of found records (p must come from the same snapshot) */
#define xt_snap_live_idx(s, p)     ((uint32_t) ((p) - (s)->live))
#define xt_snap_movie_idx(s, p)    ((uint32_t) ((p) - (s)->movies))
#define xt_snap_series_idx(s, p)   ((uint32_t) ((p) - (s)->series))

/* EPG: the channel of an epg_channel_id (bytewise binary search), or NULL */
const xt_snap_epg_channel_t *xt_snap_epg_channel_find(const xt_snap_t *s,
    const char *id, size_t len);

/* value of a catalog setting, or NULL */
const xt_snap_setting_t *xt_snap_setting_find(const xt_snap_t *s,
    const char *key, size_t len);

#endif /* XT_SNAPSHOT_H */

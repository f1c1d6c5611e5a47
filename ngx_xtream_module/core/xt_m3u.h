/*
 * get.php playlists as a chunk source (xt_sink.h): the header, then the
 * line's live channels, movies and episodes.  m3u_plus splices the
 * daemon's pre-rendered "#EXTINF:-1 tvg-id=..." lines straight from the
 * snapshot; only the URL line (base, credentials, id, extension) is
 * generated per entry.  Plain m3u writes "#EXTINF:-1,Name".
 */

#ifndef XT_M3U_H
#define XT_M3U_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"


#define XT_M3U_BASE_MAX   512       /* scheme://host:port[/prefix] */
#define XT_M3U_GEN_MAX    (2 * XT_M3U_BASE_MAX + 1024)
/* "\r\n" base "/series/" user "/" pass "/" */
#define XT_M3U_URL_MAX    (XT_M3U_BASE_MAX + 160)


typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    int                     plus;           /* m3u_plus */
    const char             *live_ext;       /* "ts" or "m3u8" */
    int                     live_bare;      /* ts: /U/P/ID, no extension */
    char                    base[XT_M3U_BASE_MAX];
    size_t                  base_len;
    char                    user[65];
    char                    pass[65];
    char                    url[3][XT_M3U_URL_MAX];  /* per title kind */
    size_t                  url_len[3];

    /* state */
    int                     phase;
    xt_title_iter_t         it;
    uint8_t                *seen;           /* xt_m3u_scratch_size() */
    uint8_t                *series_ok;      /* entitled series bitmap */
    uint32_t                ep;             /* next episode index */
    uint32_t                pending;        /* url of this entry next */
    int                     pending_kind;
    uint32_t                pending_id;
    xt_snap_str_t           pending_ext;
    uint32_t                last_series_id;  /* episodes come in runs */
    const xt_snap_series_t *last_series;
    int                     have_last;
    char                    gen[XT_M3U_GEN_MAX];
} xt_m3u_t;


size_t xt_m3u_scratch_size(const xt_snap_t *cat);

/* base must be at most XT_M3U_BASE_MAX - 1 bytes, user and pass at most
   64 bytes of the credential set; returns 0 or -1 */
int xt_m3u_init(xt_m3u_t *m, const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, int plus, const char *live_ext,
    const char *base, size_t base_len, const char *user, const char *pass,
    void *scratch);

void xt_m3u_rewind(xt_m3u_t *m);

/* xt_chunk_next_pt over an xt_m3u_t */
int xt_m3u_next(void *data, xt_chunk_t *c);

/* exact byte length of the whole playlist; leaves it rewound */
uint64_t xt_m3u_size(xt_m3u_t *m);

#endif /* XT_M3U_H */

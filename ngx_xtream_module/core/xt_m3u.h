/*
 * get.php playlists as a chunk source (xt_sink.h): the header, then the
 * line's live channels, movies and episodes.  m3u_plus splices the
 * daemon's pre-rendered "#EXTINF:-1 tvg-id=..." lines straight from the
 * snapshot; only the URL line (base, credentials, id, extension) is
 * generated per entry.  Plain m3u writes "#EXTINF:-1,Name".  m3u_plus
 * live entries get tvg-chno = their position in the line's live list (the
 * num of get_live_streams).  The Enigma2 format writes a userbouquet:
 * "#NAME", then "#SERVICE 4097:0:1:0:0:0:0:0:0:0:URL" (':' and '%'
 * escaped) and "#DESCRIPTION Name" per entry, no blank line anywhere.
 */

#ifndef XT_M3U_H
#define XT_M3U_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"


#define XT_M3U_BASE_MAX   512       /* scheme://host:port[/prefix] */
#define XT_M3U_GEN_MAX    (8 * XT_M3U_BASE_MAX)
/* "\r\n" base "/series/" user "/" pass "/" */
#define XT_M3U_URL_MAX    (XT_M3U_BASE_MAX + 160)


/* formats (xt_m3u_init's format) */
enum {
    XT_M3U_PLAIN = 0,
    XT_M3U_PLUS,
    XT_M3U_ENIGMA
};

/* the get.php key= kinds */
#define XT_M3U_K_LIVE     0x1
#define XT_M3U_K_MOVIE    0x2
#define XT_M3U_K_SERIES   0x4
#define XT_M3U_K_RADIO    0x8
#define XT_M3U_K_ALL      0xf

#define XT_M3U_NAME_MAX   256       /* the Enigma2 bouquet name */

typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    int                     plus;           /* m3u_plus */
    int                     format;         /* XT_M3U_* */
    unsigned                kinds;          /* XT_M3U_K_*: key= filter */
    uint32_t                chno;           /* live entries so far */
    char                    name[XT_M3U_NAME_MAX];  /* Enigma2 #NAME */
    size_t                  name_len;
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
   64 bytes of the credential set; format XT_M3U_*; every kind is listed
   until xt_m3u_filter(); returns 0 or -1 */
int xt_m3u_init(xt_m3u_t *m, const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, int format, const char *live_ext,
    const char *base, size_t base_len, const char *user, const char *pass,
    void *scratch);

void xt_m3u_rewind(xt_m3u_t *m);

/* only these XT_M3U_K_* kinds; the Enigma2 bouquet name (cut, cleaned) */
void xt_m3u_filter(xt_m3u_t *m, unsigned kinds);
void xt_m3u_set_name(xt_m3u_t *m, const char *name, size_t len);

/* "live,movie,series,radio_streams" (any subset, any order) into
   XT_M3U_K_* bits; 0 when a word is unknown or the list is empty */
unsigned xt_m3u_parse_kinds(const char *s, size_t len);

/* xt_chunk_next_pt over an xt_m3u_t */
int xt_m3u_next(void *data, xt_chunk_t *c);

/* exact byte length of the whole playlist; leaves it rewound */
uint64_t xt_m3u_size(xt_m3u_t *m);

#endif /* XT_M3U_H */

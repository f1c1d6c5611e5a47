/*
 * Enigma2 receivers (docs/ENIGMA2.md): the install script get.php gives
 * for type=enigma22_script / enigma216_script, and the /enigma2.php XML
 * browse API (categories, channels, movies, series, seasons, episodes;
 * titles and descriptions base64 as XC writes them).  Pure C: the module
 * supplies the snapshots, the base URL and a sink.
 */

#ifndef XT_E2_H
#define XT_E2_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"
#include "xt_tz.h"


#define XT_E2_TEXT_MAX      4096    /* bytes of one text before base64 */
#define XT_E2_SCRIPT_MAX    4096

typedef enum {
    XT_E2_OK = 0,
    XT_E2_UNKNOWN_TYPE,             /* 400 */
    XT_E2_MISSING,                  /* 400: a parameter the type needs */
    XT_E2_NOT_FOUND,                /* 404: unknown or not entitled */
    XT_E2_ERROR                     /* 500: out of memory */
} xt_e2_rc_e;

typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    const xt_snap_t        *epg;        /* may be NULL */
    const xt_tz_t          *tz;
    int64_t                 now;
    const char             *base;       /* scheme://host:port */
    size_t                  base_len;
    const char             *user;       /* NUL-terminated, checked */
    const char             *pass;
    const char             *name;       /* playlist_name (server_name) */
    size_t                  name_len;
    const char             *type;       /* "" = the root */
    int                     has_cat;
    uint32_t                cat_id;     /* cat_id or scat_id; 0 = all */
    int                     has_series;
    uint32_t                series_id;
    int                     has_season;
    uint32_t                season;
    void                   *scratch;    /* xt_e2_scratch_size() bytes */
} xt_e2_req_t;

size_t xt_e2_scratch_size(const xt_snap_t *cat);

xt_e2_rc_e xt_e2_render(const xt_e2_req_t *req, xt_sink_pt sink, void *ctx);

/*
 * The install script into out (XT_E2_SCRIPT_MAX bytes): downloads the
 * line's bouquet (type dreambox for enigma22_script, enigma16 for
 * enigma216_script) into /etc/enigma2, links it from bouquets.tv, re-runs
 * itself at every Enigma2 start and reloads the service list.  The
 * bouquet name is the server name reduced to [A-Za-z0-9_].  Returns the
 * length, or 0 when base holds a byte that has no place in a URL.
 */
size_t xt_e2_script(char *out, const char *base, size_t base_len,
    const char *user, const char *pass, const char *name, size_t name_len,
    int dreambox, const char *output);

#endif /* XT_E2_H */

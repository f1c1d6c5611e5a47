/*
 * POST /admin/api/streams/{id}/preview: a short-lived URL that plays the
 * stream in the panel without anyone typing a line password.  It is the
 * module's own HLS token (ngx_xtream_module/core/xt_token.h) for the
 * variant playlist /hls/ID/0/index.m3u8, signed with the secret nginx
 * reads (config token_secret_file), for a line that may watch the stream
 * and bound to the asking browser's address and the line's kick
 * generation, as the module makes them.  So nginx checks it as it checks
 * any player: the line must be active, the preview counts as one of its
 * connections, the URL works from this address only, and a kill of the
 * line ends it.  Body: {} or {"line_id": N} to play as that line.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xt_json_gen.h"
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"
#include "../../ngx_xtream_module/core/xt_token.h"

/* the playlist token's life: the player fetches the playlist within
   seconds; later playlist fetches ride on the session (the module's
   "stale but live" rule), segments get fresh tokens from nginx */
#define XT_PREVIEW_TTL  120

/* a line that may watch the stream: active, not expired, HLS allowed,
   the stream in one of its bouquets; the given one or the first such */
static const char  xt_preview_line_sql[] =
    "SELECT l.id, l.username, l.kick FROM `lines` l "
    "WHERE l.status = 'active' "
    "AND (l.exp_date IS NULL OR l.exp_date > UNIX_TIMESTAMP()) "
    "AND FIND_IN_SET('m3u8', l.allowed_outputs) > 0 "
    "AND EXISTS (SELECT 1 FROM line_bouquets lb JOIN bouquet_items bi "
    "ON bi.bouquet_id = lb.bouquet_id AND bi.item_type = 'live' "
    "WHERE lb.line_id = l.id AND bi.item_id = ?) "
    "AND (? = 0 OR l.id = ?) ORDER BY l.id LIMIT 1";


/* the secret as nginx reads it: the file, trailing line ends dropped */
static int
xt_preview_secret(xt_admin_req_t *rq, unsigned char *buf, size_t cap,
    size_t *len)
{
    FILE    *f;
    size_t   n;

    if (rq->cf->token_secret_file[0] == '\0') {
        return xt_admin_err(rq, 409, "no_secret", NULL, "previews need "
                            "token_secret_file in xtreamd's configuration "
                            "(the file of nginx's xtream_secret)");
    }
    f = fopen(rq->cf->token_secret_file, "re");
    if (f == NULL) {
        return xt_admin_err(rq, 503, "unavailable", NULL, "token_secret_file "
                            "cannot be read");
    }
    n = fread(buf, 1, cap, f);
    fclose(f);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        n--;
    }
    if (n < XT_SECRET_MIN_LEN || n >= cap) {
        return xt_admin_err(rq, 503, "unavailable", NULL, "token_secret_file "
                            "holds no usable secret (%d..4095 bytes)",
                            XT_SECRET_MIN_LEN);
    }
    *len = n;
    return 0;
}


int
xt_admin_stream_preview(xt_admin_req_t *rq, long long id)
{
    static const char *const  keys[] = { "line_id", NULL };
    unsigned char             secret[4096];
    char                      tok[XT_TOKEN_MAX_LEN + 1], url[160];
    size_t                    slen = 0, tlen;
    long long                 want = 0, line;
    int                       present, rc;
    xt_binds_t                bs;
    xt_row_t                  r;
    xt_token_t                t;

    if (rq->json && (xt_fields_only(rq, rq->json, keys) != 0
                     || xt_field_int(rq, rq->json, "line_id", 1,
                                     4294967295LL, 0, &want, &present) != 0))
    {
        return -1;
    }
    if (id > 4294967295LL) {
        return xt_admin_err(rq, 404, "not_found", NULL, "streams %lld: not "
                            "found", id);
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    rc = xt_sql_int(rq, "SELECT enabled FROM streams WHERE id = ?", &bs, 0,
                    &line);
    if (rc <= 0) {
        return rc < 0 ? -1 : xt_admin_err(rq, 404, "not_found", NULL,
                                          "streams %lld: not found", id);
    }
    if (!line) {
        return xt_admin_err(rq, 409, "disabled", "enabled", "streams %lld is "
                            "disabled: players cannot watch it", id);
    }

    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_bind_int(&bs, want);
    xt_bind_int(&bs, want);
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 256) != 0) {
        return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
    }
    xt_row_int(&r);             /* kick: part of the module's session id */
    rc = xt_sql_row(rq, xt_preview_line_sql, &bs, &r);
    if (rc <= 0) {
        xt_row_free(&r);
        if (rc < 0) {
            return -1;
        }
        return want
               ? xt_admin_err(rq, 409, "no_line", "line_id", "line_id: line "
                              "%lld is not active, has no HLS output or no "
                              "bouquet with this stream", want)
               : xt_admin_err(rq, 409, "no_line", NULL, "no active line with "
                              "HLS has this stream in its bouquets: add the "
                              "stream to a bouquet of a line");
    }
    line = r.ival[0];

    if (xt_preview_secret(rq, secret, sizeof(secret), &slen) != 0) {
        xt_row_free(&r);
        return -1;
    }
    memset(&t, 0, sizeof(t));
    t.expires = (int64_t) time(NULL) + XT_PREVIEW_TTL;
    t.line_id = (uint32_t) line;
    t.stream_id = (uint32_t) id;
    t.variant = 0;
    t.session = xt_token_session(secret, slen, t.line_id, rq->address,
                                 strlen(rq->address), (uint32_t) r.ival[2],
                                 t.stream_id);
    tlen = t.session ? xt_token_sign(secret, slen, &t, tok, sizeof(tok) - 1)
                     : 0;
    memset(secret, 0, sizeof(secret));
    if (tlen == 0) {
        xt_row_free(&r);
        return xt_admin_err(rq, 503, "unavailable", NULL, "signing failed");
    }
    tok[tlen] = '\0';
    snprintf(url, sizeof(url), "/hls/%lld/0/index.m3u8?t=%s", id, tok);

    if (xt_admin_audit(rq, "preview", "streams", id, NULL) != 0) {
        xt_row_free(&r);
        return -1;
    }
    yajl_gen_map_open(rq->g);
    xt_gen_key(rq->g, "url");
    xt_gen_cstr(rq->g, url);
    xt_gen_key(rq->g, "line_id");
    yajl_gen_integer(rq->g, line);
    xt_gen_key(rq->g, "username");
    xt_gen_strn(rq->g, r.sval[1], r.len[1]);
    xt_gen_key(rq->g, "expires");
    yajl_gen_integer(rq->g, (long long) t.expires);
    yajl_gen_map_close(rq->g);
    xt_row_free(&r);
    return 0;
}

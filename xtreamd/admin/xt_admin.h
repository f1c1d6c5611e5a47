/*
 * The admin API core (docs/ADMIN-API.md), shared by the HTTP server
 * (xt_admin_http.c, inside xtreamd) and `xtreamctl api` (xt_admin_cli.c):
 * both fill an xt_admin_req_t and call xt_admin_handle(), which routes,
 * authenticates, validates, runs the change in one transaction with its
 * audit row and leaves a JSON answer in req->g.  No HTTP here.
 */
#ifndef XT_ADMIN_H
#define XT_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "xt_config.h"
#include "xt_db.h"

#define XT_ADMIN_BODY_MAX    (256 * 1024)
#define XT_ADMIN_QMAX        16
#define XT_ADMIN_SEGS        6

#define XT_ROLE_NONE    0
#define XT_ROLE_VIEWER  1
#define XT_ROLE_ADMIN   2

/* sessions and lock-out (docs/ADMIN-API.md "Authentication") */
#define XT_SESSION_TTL        (12 * 3600)
#define XT_SESSION_IDLE       (30 * 60)
#define XT_LOCK_PAIR_FAILS    5        /* one address, one username */
#define XT_LOCK_ADDR_FAILS    20       /* one address (IPv6: its /64) */
#define XT_LOCK_WINDOW        (15 * 60)
#define XT_LOCK_TIME          (15 * 60)

/* the lock-out rows of a login: akey "a:ADDRESS" (IPv6: "a:PREFIX::/64"),
   pkey "p:" + hex SHA-256(that address "\n" username) (xt_admin_auth.c) */
void xt_admin_lock_keys(const char *address, const char *user, char akey[96],
    char pkey[96]);

typedef struct xt_admin_req_s  xt_admin_req_t;

struct xt_admin_req_s {
    xt_db_t            *db;
    const xt_config_t  *cf;

    /* the request */
    char                method[8];
    char                path[512];        /* "/admin/api/lines/3" */
    unsigned            nq;
    const char         *qk[XT_ADMIN_QMAX];
    const char         *qv[XT_ADMIN_QMAX];
    const char         *body;             /* NUL-terminated, may be NULL */
    size_t              body_len;
    const char         *cookie_sid;       /* xt_admin cookie, or NULL */
    const char         *csrf_header;      /* X-CSRF-Token, or NULL */
    char                address[64];      /* client address */
    int                 via_https;        /* nginx on this host says the
                                             client came over TLS */
    int                 cli;              /* xtreamctl: no session, role admin */

    /* routing result */
    unsigned            nseg;
    char                seg[XT_ADMIN_SEGS][128];
    yajl_val            json;             /* parsed body object, or NULL */

    /* who */
    unsigned            admin_id;
    char                admin_name[80];
    int                 role;
    char                csrf[65];
    long long           sess_expires;
    uint8_t             sess_hash[32];
    int                 has_session;

    /* the answer */
    int                 status;
    yajl_gen            g;
    const char         *err_code;
    char                err_msg[256];
    char                err_field[128];
    char                set_cookie[256];
    unsigned            retry_after;
    const char         *allow;            /* for 405 */
    char                once_secret[80];  /* a generated password, shown once */
    long long           last_insert_id;

    /* run once the change's transaction ended (COMMIT or ROLLBACK): frees
       session-level locks a handler must hold until then */
    void              (*after_tx)(xt_admin_req_t *rq);
};

/* fill req (memset 0 first), then: */
void xt_admin_req_init(xt_admin_req_t *rq, xt_db_t *db,
    const xt_config_t *cf);
void xt_admin_handle(xt_admin_req_t *rq);
/* replace the answer by the error document of rq's error */
void xt_admin_render_error(xt_admin_req_t *rq);
void xt_admin_req_free(xt_admin_req_t *rq);
/* the answer's body (valid until free) */
void xt_admin_body(xt_admin_req_t *rq, const unsigned char **p, size_t *len);

/* errors: set status and the error triple; always returns -1 */
int xt_admin_err(xt_admin_req_t *rq, int status, const char *code,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* a database error: 409 for duplicates/references, 503 when gone */
int xt_admin_db_err(xt_admin_req_t *rq, const char *field);

/* query parameters */
const char *xt_admin_q(xt_admin_req_t *rq, const char *key);
/* every query key must be in allowed (NULL-terminated) */
int xt_admin_q_check(xt_admin_req_t *rq, const char *const *allowed);

/* audit row in the current transaction; detail = the sanitised body */
int xt_admin_audit(xt_admin_req_t *rq, const char *action,
    const char *resource, long long id, const char *id_str);

/* a resource handler: segs[0] is its name; returns 0 (answer in g) or -1
   (error set) */
typedef int (*xt_admin_handler_pt)(xt_admin_req_t *rq);

/* the handlers, one file each */
int xt_admin_lines(xt_admin_req_t *rq);
int xt_admin_bouquets(xt_admin_req_t *rq);
int xt_admin_categories(xt_admin_req_t *rq);
int xt_admin_profiles(xt_admin_req_t *rq);
int xt_admin_streams(xt_admin_req_t *rq);
int xt_admin_movies(xt_admin_req_t *rq);
int xt_admin_series(xt_admin_req_t *rq);
int xt_admin_episodes(xt_admin_req_t *rq);
int xt_admin_servers(xt_admin_req_t *rq);
int xt_admin_settings(xt_admin_req_t *rq);
int xt_admin_admins(xt_admin_req_t *rq);
int xt_admin_connections(xt_admin_req_t *rq);
int xt_admin_activity(xt_admin_req_t *rq);
int xt_admin_audit_list(xt_admin_req_t *rq);
int xt_admin_stats(xt_admin_req_t *rq);
int xt_admin_epg_sources(xt_admin_req_t *rq);
int xt_admin_epg_channels(xt_admin_req_t *rq);
/* POST /streams/{id}/preview (xt_admin_preview.c) */
int xt_admin_stream_preview(xt_admin_req_t *rq, long long id);

/* auth (xt_admin_auth.c) */
int xt_admin_login(xt_admin_req_t *rq);
int xt_admin_logout(xt_admin_req_t *rq);
int xt_admin_session(xt_admin_req_t *rq);
/* checks the cookie; 0 with rq's who fields set, or -1 (401) */
int xt_admin_authenticate(xt_admin_req_t *rq);

/* POST /lines/{id}/kill and DELETE /connections/{key}: bump the line's
   kick generation; *kick is the new value */
int xt_admin_line_kill(xt_admin_req_t *rq, long long id, long long *kick);

/* path segment as an id: 1..UINT32_MAX, else -1 */
long long xt_admin_seg_id(const char *s);

#endif

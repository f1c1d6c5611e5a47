/*
 * Login, sessions, CSRF token, lock-out (docs/ADMIN-API.md
 * "Authentication").  Sessions are rows of admin_sessions keyed by
 * SHA-256 of the cookie's 32 random bytes, so they survive an xtreamd
 * restart and every API thread (each with its own connection) sees them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "xt_hex.h"
#include "xt_json_gen.h"
#include "xt_secret.h"
#include "admin/xt_admin.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_pbkdf2.h"
#include "admin/xt_admin_sql.h"

/* a well-formed hash of nothing anyone knows: unknown usernames cost the
   same PBKDF2 as known ones */
#define XT_DUMMY_KDF "pbkdf2-sha256$210000$" \
    "00000000000000000000000000000000$" \
    "0000000000000000000000000000000000000000000000000000000000000000"


static void
xt_who_json(xt_admin_req_t *rq)
{
    yajl_gen  g = rq->g;

    yajl_gen_map_open(g);
    xt_gen_key(g, "username");
    xt_gen_cstr(g, rq->admin_name);
    xt_gen_key(g, "role");
    xt_gen_cstr(g, rq->role == XT_ROLE_ADMIN ? "admin" : "viewer");
    xt_gen_key(g, "csrf_token");
    xt_gen_cstr(g, rq->csrf);
    xt_gen_key(g, "expires");
    yajl_gen_integer(g, rq->sess_expires);
    yajl_gen_map_close(g);
}


/*
 * Lock-out keys.  Failures are counted per (address, username) and per
 * address, never per username alone: a stranger who fails for "admin"
 * locks only himself, so the owner still gets in from any address that
 * did not fail (issue 18).  Guessing stays bounded by the address counter
 * (XT_LOCK_ADDR_FAILS in XT_LOCK_WINDOW); an IPv6 client is counted by
 * its /64, since one host is handed a whole /64 to pick addresses from.
 * The pair key is a SHA-256, so any username fits the column.
 */
void
xt_admin_lock_keys(const char *address, const char *user, char akey[96],
    char pkey[96])
{
    struct in6_addr  a6;
    char             net[INET6_ADDRSTRLEN + 4], pair[INET6_ADDRSTRLEN + 80];
    uint8_t          h[32];
    int              v6;

    v6 = strchr(address, ':') && inet_pton(AF_INET6, address, &a6) == 1;
    if (v6 && IN6_IS_ADDR_V4MAPPED(&a6)) {
        /* an IPv4 client of a dual-stack listener: its own IPv4 address */
        inet_ntop(AF_INET, a6.s6_addr + 12, net, sizeof(net));
    } else if (v6) {
        memset(a6.s6_addr + 8, 0, 8);
        inet_ntop(AF_INET6, &a6, net, sizeof(net));
        strcat(net, "/64");
    } else {
        snprintf(net, sizeof(net), "%.*s", INET6_ADDRSTRLEN, address);
    }
    snprintf(akey, 96, "a:%s", net);
    snprintf(pair, sizeof(pair), "%s\n%s", net, user);
    SHA256((const uint8_t *) pair, strlen(pair), h);
    memcpy(pkey, "p:", 2);
    xt_hex_encode(pkey + 2, h, sizeof(h));
    pkey[2 + 2 * sizeof(h)] = '\0';
}


/* seconds left of a lock on address+username or address, 0 when none */
static int
xt_lock_left(xt_admin_req_t *rq, const char *pkey, const char *akey,
    long long now, long long *left)
{
    xt_binds_t  bs;
    long long   until;

    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, pkey);
    xt_bind_cstr(&bs, akey);
    if (xt_sql_int(rq, "SELECT MAX(locked_until) FROM admin_login_failures "
                   "WHERE scope_key IN (?, ?)", &bs, 0, &until) < 0)
    {
        return -1;
    }
    *left = until > now ? until - now : 0;
    return 0;
}


/* user: the username the key counts for (POST /admins/{id}/unlock finds
   the rows by it), NULL for an address alone */
static int
xt_lock_fail(xt_admin_req_t *rq, const char *key, const char *user,
    long long limit, long long now)
{
    xt_binds_t  bs;

    /* locked_until first: it must see the old failures/window_start */
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, key);
    if (user) {
        xt_bind_cstr(&bs, user);
    } else {
        xt_bind_null(&bs);
    }
    xt_bind_int(&bs, now);
    xt_bind_int(&bs, limit <= 1 ? now + XT_LOCK_TIME : 0);
    xt_bind_int(&bs, now - XT_LOCK_WINDOW);
    xt_bind_int(&bs, limit);
    xt_bind_int(&bs, now + XT_LOCK_TIME);
    xt_bind_int(&bs, now - XT_LOCK_WINDOW);
    xt_bind_int(&bs, now - XT_LOCK_WINDOW);
    xt_bind_int(&bs, now);
    return xt_sql_exec(rq, "INSERT INTO admin_login_failures (scope_key, "
        "username, failures, window_start, locked_until) VALUES (?, ?, 1, ?, ?) "
        "ON DUPLICATE KEY UPDATE "
        "locked_until = IF(IF(window_start < ?, 0, failures) + 1 >= ?, ?, "
        "locked_until), "
        "failures = IF(window_start < ?, 1, failures + 1), "
        "window_start = IF(window_start < ?, ?, window_start)",
        &bs, NULL) < 0 ? -1 : 0;
}


int
xt_admin_login(xt_admin_req_t *rq)
{
    static const char *const  keys[] = { "username", "password", NULL };
    const char               *user, *pass;
    char                      pkey[96], akey[96], kdf[XT_PBKDF2_TEXT_MAX + 1];
    char                      sidhex[65];
    uint8_t                   sid[32], csrf[32], h[32];
    long long                 now = (long long) time(NULL), left;
    xt_binds_t                bs;
    xt_row_t                  r;
    int                       found, ok;

    if (xt_fields_only(rq, rq->json, keys) != 0
        || xt_field_str(rq, rq->json, "username", 1, 64, 1, &user) != 0
        || xt_field_str(rq, rq->json, "password", 1, 128, 1, &pass) != 0)
    {
        return -1;
    }
    xt_admin_lock_keys(rq->address, user, akey, pkey);

    if (xt_lock_left(rq, pkey, akey, now, &left) != 0) {
        return -1;
    }
    if (left > 0) {
        rq->retry_after = (unsigned) left;
        return xt_admin_err(rq, 429, "locked", NULL, "too many failed "
                            "logins, try again in %lld s", left);
    }

    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, user);
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, XT_PBKDF2_TEXT_MAX) != 0) {
        return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
    }
    xt_row_str(&r, 16);
    found = xt_sql_row(rq, "SELECT id, password_kdf, role FROM admins "
                       "WHERE username = ?", &bs, &r);
    if (found < 0) {
        xt_row_free(&r);
        return -1;
    }
    if (found) {
        snprintf(kdf, sizeof(kdf), "%.*s", (int) r.len[1], r.sval[1]);
        rq->admin_id = (unsigned) r.ival[0];
        rq->role = (r.len[2] == 5 && memcmp(r.sval[2], "admin", 5) == 0)
                   ? XT_ROLE_ADMIN : XT_ROLE_VIEWER;
    } else {
        snprintf(kdf, sizeof(kdf), "%s", XT_DUMMY_KDF);
    }
    xt_row_free(&r);
    ok = xt_pbkdf2_verify(kdf, pass, strlen(pass)) && found;

    snprintf(rq->admin_name, sizeof(rq->admin_name), "%s", user);
    if (!ok) {
        if (xt_lock_fail(rq, pkey, user, XT_LOCK_PAIR_FAILS, now) != 0
            || xt_lock_fail(rq, akey, NULL, XT_LOCK_ADDR_FAILS, now) != 0
            || xt_admin_audit(rq, "login_fail", "session", 0, NULL) != 0)
        {
            return -1;
        }
        return xt_admin_err(rq, 401, "bad_login", NULL,
                            "wrong username or password");
    }

    if (xt_random(sid, sizeof(sid)) != 0 || xt_random(csrf, sizeof(csrf)) != 0)
    {
        return xt_admin_err(rq, 503, "unavailable", NULL, "no randomness");
    }
    SHA256(sid, sizeof(sid), h);
    xt_hex_encode(sidhex, sid, sizeof(sid));
    sidhex[2 * sizeof(sid)] = '\0';
    xt_hex_encode(rq->csrf, csrf, sizeof(csrf));
    rq->csrf[2 * sizeof(csrf)] = '\0';
    rq->sess_expires = now + XT_SESSION_TTL;

    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, pkey);
    if (xt_sql_exec(rq, "DELETE FROM admin_login_failures WHERE "
                    "scope_key = ?", &bs, NULL) < 0)
    {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, now);
    if (xt_sql_exec(rq, "DELETE FROM admin_sessions WHERE expires < ?",
                    &bs, NULL) < 0)
    {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_str(&bs, h, sizeof(h));
    xt_bind_int(&bs, rq->admin_id);
    xt_bind_cstr(&bs, rq->csrf);
    xt_bind_cstr(&bs, rq->address);
    xt_bind_int(&bs, now);
    xt_bind_int(&bs, now);
    xt_bind_int(&bs, rq->sess_expires);
    if (xt_sql_exec(rq, "INSERT INTO admin_sessions (id_hash, admin_id, "
                    "csrf_token, address, created, last_seen, expires) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", &bs, NULL) < 0)
    {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, now);
    xt_bind_int(&bs, rq->admin_id);
    if (xt_sql_exec(rq, "UPDATE admins SET last_login = ? WHERE id = ?", &bs,
                    NULL) < 0
        || xt_admin_audit(rq, "login", "session", rq->admin_id, NULL) != 0)
    {
        return -1;
    }

    snprintf(rq->set_cookie, sizeof(rq->set_cookie),
             "xt_admin=%s; Path=/admin/; HttpOnly; SameSite=Strict; "
             "Max-Age=%d%s", sidhex, XT_SESSION_TTL,
             (rq->cf && rq->cf->admin_cookie_secure) || rq->via_https
             ? "; Secure" : "");
    xt_who_json(rq);
    return 0;
}


int
xt_admin_authenticate(xt_admin_req_t *rq)
{
    uint8_t     sid[32];
    long long   now = (long long) time(NULL);
    xt_binds_t  bs;
    xt_row_t    r;
    int         found;

    if (rq->cookie_sid == NULL || strlen(rq->cookie_sid) != 2 * sizeof(sid)
        || xt_hex_decode_lower(sid, rq->cookie_sid, 2 * sizeof(sid)) != 0)
    {
        return xt_admin_err(rq, 401, "unauthorized", NULL, "not logged in");
    }
    SHA256(sid, sizeof(sid), rq->sess_hash);

    xt_binds_reset(&bs);
    xt_bind_str(&bs, rq->sess_hash, 32);
    xt_row_init(&r);
    xt_row_int(&r);               /* admin id */
    xt_row_str(&r, 64);           /* username */
    xt_row_str(&r, 16);           /* role */
    xt_row_str(&r, 64);           /* csrf */
    xt_row_int(&r);               /* expires */
    xt_row_int(&r);               /* last_seen */
    found = xt_sql_row(rq, "SELECT s.admin_id, a.username, a.role, "
                       "s.csrf_token, s.expires, s.last_seen "
                       "FROM admin_sessions s JOIN admins a "
                       "ON a.id = s.admin_id WHERE s.id_hash = ?", &bs, &r);
    if (found != 1 || r.ival[4] <= now || r.ival[5] + XT_SESSION_IDLE <= now)
    {
        xt_row_free(&r);
        if (found < 0) {
            return -1;
        }
        return xt_admin_err(rq, 401, "unauthorized", NULL,
                            found ? "the session expired" : "not logged in");
    }
    rq->admin_id = (unsigned) r.ival[0];
    snprintf(rq->admin_name, sizeof(rq->admin_name), "%.*s", (int) r.len[1],
             r.sval[1]);
    rq->role = (r.len[2] == 5 && memcmp(r.sval[2], "admin", 5) == 0)
               ? XT_ROLE_ADMIN : XT_ROLE_VIEWER;
    snprintf(rq->csrf, sizeof(rq->csrf), "%.*s", (int) r.len[3], r.sval[3]);
    rq->sess_expires = r.ival[4];
    rq->has_session = 1;

    /* the idle clock: one write a minute at most */
    if (r.ival[5] + 60 <= now) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, now);
        xt_bind_str(&bs, rq->sess_hash, 32);
        (void) xt_sql_exec(rq, "UPDATE admin_sessions SET last_seen = ? "
                           "WHERE id_hash = ?", &bs, NULL);
        rq->err_code = NULL;
        rq->status = 200;
    }
    xt_row_free(&r);
    return 0;
}


int
xt_admin_session(xt_admin_req_t *rq)
{
    if (rq->cli) {
        return xt_admin_err(rq, 404, "not_found", NULL,
                            "xtreamctl has no session");
    }
    xt_who_json(rq);
    return 0;
}


int
xt_admin_logout(xt_admin_req_t *rq)
{
    xt_binds_t  bs;

    if (rq->cli) {
        return xt_admin_err(rq, 404, "not_found", NULL,
                            "xtreamctl has no session");
    }
    xt_binds_reset(&bs);
    xt_bind_str(&bs, rq->sess_hash, 32);
    if (xt_sql_exec(rq, "DELETE FROM admin_sessions WHERE id_hash = ?", &bs,
                    NULL) < 0
        || xt_admin_audit(rq, "logout", "session", rq->admin_id, NULL) != 0)
    {
        return -1;
    }
    snprintf(rq->set_cookie, sizeof(rq->set_cookie),
             "xt_admin=; Path=/admin/; HttpOnly; SameSite=Strict; Max-Age=0");
    yajl_gen_map_open(rq->g);
    yajl_gen_map_close(rq->g);
    return 0;
}

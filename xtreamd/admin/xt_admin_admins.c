/*
 * /admin/api/admins: admin accounts (role admin only, reads too).  The
 * password is write-only and stored as PBKDF2 (xt_admin_pbkdf2.c); a new
 * password or a demotion ends the account's sessions.  The last admin
 * cannot be deleted or demoted (409).
 */
#include <stdio.h>
#include <string.h>

#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_pbkdf2.h"
#include "admin/xt_admin_sql.h"

static const char *const  xt_roles[] = { "admin", "viewer", NULL };

static const xt_field_t  xt_admin_fields[] = {
    { .name = "username", .col = "username", .type = XF_STR,
      .flags = XF_REQ | XF_UNIQUE | XF_SEARCH | XF_ONCE, .min = 1, .max = 64,
      .check = xt_check_username,
      .hint = "1..64 characters of [A-Za-z0-9._@-]" },
    { .name = "role", .col = "role", .type = XF_ENUM, .enums = xt_roles },
    { .name = "created_at", .col = "created_at", .type = XF_INT,
      .flags = XF_RO },
    { .name = "last_login", .col = "last_login", .type = XF_INT,
      .flags = XF_RO },
    /* the username's login lock-out (xt_admin_auth.c), 0 when none */
    { .name = "locked_until", .col = "COALESCE((SELECT MAX(f.locked_until) "
      "FROM admin_login_failures f WHERE f.username = admins.username "
      "AND f.locked_until > UNIX_TIMESTAMP()), 0)",
      .type = XF_INT, .flags = XF_RO },
    { .name = NULL }
};

static const char *const  xt_admin_extra[] = { "password", NULL };


static int
xt_admins_validate(xt_admin_req_t *rq, long long id, int create)
{
    const char  *pw;

    (void) id;
    return xt_field_str(rq, rq->json, "password", 8, 128, create, &pw);
}


/* admins with role admin, after this request's writes */
static int
xt_admins_left(xt_admin_req_t *rq)
{
    long long  n;

    if (xt_sql_int(rq, "SELECT COUNT(*) FROM admins WHERE role = 'admin'",
                   NULL, 0, &n) < 0)
    {
        return -1;
    }
    if (n == 0) {
        return xt_admin_err(rq, 409, "conflict", "role",
                            "role: the last admin must stay an admin");
    }
    return 0;
}


static int
xt_admins_store(xt_admin_req_t *rq, long long id, int create)
{
    const char  *pw;
    char         kdf[XT_PBKDF2_TEXT_MAX + 1];
    xt_binds_t   bs;

    (void) xt_field_str(rq, rq->json, "password", 8, 128, create, &pw);
    if (pw) {
        if (xt_pbkdf2_make(pw, strlen(pw), XT_PBKDF2_ITER_DEFAULT, kdf,
                           sizeof(kdf)) != 0)
        {
            return xt_admin_err(rq, 503, "unavailable", NULL,
                                "hashing failed");
        }
        xt_binds_reset(&bs);
        xt_bind_cstr(&bs, kdf);
        xt_bind_int(&bs, id);
        if (xt_sql_exec(rq, "UPDATE admins SET password_kdf = ? WHERE id = ?",
                        &bs, NULL) < 0)
        {
            return -1;
        }
    }
    if (!create && (pw || xt_field_get(rq->json, "role"))) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, id);
        if (xt_sql_exec(rq, "DELETE FROM admin_sessions WHERE admin_id = ?",
                        &bs, NULL) < 0)
        {
            return -1;
        }
    }
    return xt_admins_left(rq);
}


static int
xt_admins_before_delete(xt_admin_req_t *rq, long long id)
{
    long long   n;
    xt_binds_t  bs;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    if (xt_sql_int(rq, "SELECT COUNT(*) FROM admins WHERE role = 'admin' "
                   "AND id <> ?", &bs, 0, &n) < 0)
    {
        return -1;
    }
    if (n == 0) {
        return xt_admin_err(rq, 409, "conflict", NULL,
                            "the last admin cannot be deleted");
    }
    return 0;
}

static const xt_res_t  xt_admins_res;

/* POST /admins/{id}/unlock: forget the username's failed logins, so a
   locked-out admin can log in again at once (an address lock stays) */
static int
xt_admins_action(xt_admin_req_t *rq, long long id, const char *a)
{
    static const char *const  none[] = { NULL };
    xt_binds_t                bs;
    int                       rc;

    if (strcmp(a, "unlock") != 0) {
        return xt_admin_err(rq, 404, "not_found", NULL, "admins: no action "
                            "\"%.32s\"", a);
    }
    if (rq->json && xt_fields_only(rq, rq->json, none) != 0) {
        return -1;
    }
    rc = xt_crud_exists(rq, &xt_admins_res, id);
    if (rc <= 0) {
        return rc < 0 ? -1 : xt_admin_err(rq, 404, "not_found", NULL,
                                          "admins %lld: not found", id);
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    if (xt_sql_exec(rq, "DELETE FROM admin_login_failures WHERE username = "
                    "(SELECT username FROM admins WHERE id = ?)",
                    &bs, NULL) < 0
        || xt_admin_audit(rq, "unlock", "admins", id, NULL) != 0)
    {
        return -1;
    }
    return xt_crud_emit_one(rq, &xt_admins_res, id);
}


static const xt_res_t  xt_admins_res = {
    .name = "admins",
    .from = "admins",
    .table = "admins",
    .id_col = "id",
    .fields = xt_admin_fields,
    .extra_keys = xt_admin_extra,
    .order = "id",
    .create_cols = "password_kdf, created_at",
    .create_vals = "'', UNIX_TIMESTAMP()",
    .validate = xt_admins_validate,
    .store = xt_admins_store,
    .before_delete = xt_admins_before_delete,
    .action = xt_admins_action,
};


int
xt_admin_admins(xt_admin_req_t *rq)
{
    if (rq->role != XT_ROLE_ADMIN) {
        return xt_admin_err(rq, 403, "forbidden", NULL,
                            "admin accounts need role admin");
    }
    return xt_admin_crud(rq, &xt_admins_res);
}

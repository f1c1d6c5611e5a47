/* /admin/api/epg-sources: XMLTV guide sources (migration 004).  Name, URL
   and language go through the very checks of `xtreamctl epg add|set`
   (xt_epg_cmd.c); delete takes the source's programmes and channels with
   it as `epg del` does; POST {id}/import makes the source due now so
   xtreamd's scheduler imports it within epg_check_seconds (202).  The
   import status and progress columns are read-only. */
#include <string.h>

#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"
#include "xt_epg_cmd.h"

/* the EPG checks take C strings; values are bounded by the field max */
static int
xt_epg_cstr(const char *s, size_t len, size_t max, int (*ok)(const char *))
{
    char  buf[2049];

    if (len > max || len >= sizeof(buf) || memchr(s, '\0', len) != NULL) {
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return ok(buf);
}

static int
xt_epg_check_name(const char *s, size_t len)
{
    return xt_epg_cstr(s, len, 255, xt_epg_name_ok);
}

static int
xt_epg_check_url(const char *s, size_t len)
{
    return xt_epg_cstr(s, len, 2048, xt_epg_url_ok);
}

static int
xt_epg_check_lang(const char *s, size_t len)
{
    return xt_epg_cstr(s, len, 16, xt_epg_lang_ok);
}


static const char *const  xt_epg_statuses[] = {
    "never", "ok", "not_modified", "unchanged", "error", NULL
};

#define RO(n, t)  { .name = n, .col = n, .type = t, .flags = XF_RO }

static const xt_field_t  xt_epg_fields[] = {
    { .name = "name", .col = "name", .type = XF_STR,
      .flags = XF_REQ | XF_UNIQUE | XF_SEARCH, .min = 1, .max = 255,
      .check = xt_epg_check_name, .hint = "UTF-8 text, not only digits" },
    { .name = "url", .col = "url", .type = XF_STR, .flags = XF_REQ | XF_SEARCH,
      .min = 1, .max = 2048, .check = xt_epg_check_url,
      .hint = "http(s)://..., file:///abs/path or /abs/path (no \"..\")" },
    { .name = "enabled", .col = "enabled", .type = XF_BOOL, .max = 1 },
    { .name = "refresh_interval", .col = "refresh_interval", .type = XF_INT,
      .min = 60, .max = 366LL * 86400 },
    { .name = "lang", .col = "lang", .type = XF_STR, .max = 16,
      .check = xt_epg_check_lang,
      .hint = "up to 16 characters of [A-Za-z0-9_-]" },
    RO("next_due", XF_INT),
    RO("last_import", XF_INT),
    RO("last_attempt", XF_INT),
    RO("last_status", XF_STR),
    RO("last_error", XF_STR),
    RO("last_duration_ms", XF_INT),
    RO("format", XF_STR),
    RO("bytes", XF_INT),
    RO("channels", XF_INT),
    RO("programmes", XF_INT),
    RO("skipped", XF_INT),
    RO("skipped_detail", XF_JSONOBJ),
    RO("outside_window", XF_INT),
    RO("progress_state", XF_STR),
    RO("progress_started", XF_INT),
    RO("progress_at", XF_INT),
    RO("progress_programmes", XF_INT),
    RO("progress_bytes", XF_INT),
    RO("progress_total", XF_INT),
    { .name = NULL }
};

static const xt_filter_t  xt_epg_filters[] = {
    { "enabled", "enabled = ?", XQ_BOOL, NULL },
    { "last_status", "last_status = ?", XQ_ENUM, xt_epg_statuses },
    { NULL, NULL, 0, NULL }
};


/* another file or language: drop the conditional-request validators and
   make it due now, as `epg set --url/--lang` does */
static int
xt_epg_store(xt_admin_req_t *rq, long long id, int create)
{
    xt_binds_t  bs;
    int         url = xt_field_get(rq->json, "url") != NULL;

    if (create
        || (!url && xt_field_get(rq->json, "lang") == NULL))
    {
        return 0;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    return xt_sql_exec(rq, url
                       ? "UPDATE epg_sources SET etag = '', "
                         "last_modified = '', next_due = 0 WHERE id = ?"
                       : "UPDATE epg_sources SET etag = '', "
                         "last_modified = '' WHERE id = ?", &bs, NULL) < 0
           ? -1 : 0;
}


static void
xt_epg_unlock(xt_admin_req_t *rq)
{
    (void) xt_db_exec(rq->db, "DO RELEASE_LOCK('xtream_epg_import')");
}


/* not during an import (it would write the rows back): wait a little for
   it, then 409.  The lock is held until this request's transaction ends
   (after_tx), so an import waiting for it finds the source gone */
static int
xt_epg_before_delete(xt_admin_req_t *rq, long long id)
{
    xt_binds_t  bs;
    long long   got = 0;

    xt_binds_reset(&bs);
    if (xt_sql_int(rq, "SELECT GET_LOCK('xtream_epg_import', 5)", &bs, 0,
                   &got) < 0)
    {
        return -1;
    }
    if (got != 1) {
        return xt_admin_err(rq, 409, "busy", NULL, "epg-sources %lld: an "
                            "EPG import is running, try again", id);
    }
    rq->after_tx = xt_epg_unlock;
    if (xt_epg_delete_source_rows(rq->db, (unsigned) id) != 0) {
        return xt_admin_db_err(rq, NULL);
    }
    return 0;
}


static const xt_res_t  xt_epg_res;

static int
xt_epg_action(xt_admin_req_t *rq, long long id, const char *a)
{
    static const char *const  none[] = { NULL };
    xt_binds_t                bs;
    long long                 enabled = 0;
    int                       rc;

    if (strcmp(a, "import") != 0) {
        return xt_admin_err(rq, 404, "not_found", NULL, "epg-sources: no "
                            "action \"%.32s\"", a);
    }
    if (rq->json && xt_fields_only(rq, rq->json, none) != 0) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    rc = xt_sql_int(rq, "SELECT enabled FROM epg_sources WHERE id = ? "
                    "FOR UPDATE", &bs, 0, &enabled);
    if (rc <= 0) {
        return rc < 0 ? -1 : xt_admin_err(rq, 404, "not_found", NULL,
                                          "epg-sources %lld: not found", id);
    }
    if (!enabled) {
        return xt_admin_err(rq, 409, "disabled", "enabled", "epg-sources "
                            "%lld is disabled: the scheduler skips it", id);
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    if (xt_sql_exec(rq, "UPDATE epg_sources SET next_due = 0 WHERE id = ?",
                    &bs, NULL) < 0
        || xt_admin_audit(rq, "import", "epg-sources", id, NULL) != 0)
    {
        return -1;
    }
    /* accepted: the scheduler runs it; GET shows progress_* and last_* */
    rq->status = 202;
    return xt_crud_emit_one(rq, &xt_epg_res, id);
}


static const xt_res_t  xt_epg_res = {
    .name = "epg-sources",
    .from = "epg_sources",
    .table = "epg_sources",
    .id_col = "id",
    .fields = xt_epg_fields,
    .filters = xt_epg_filters,
    .order = "id",
    .store = xt_epg_store,
    .before_delete = xt_epg_before_delete,
    .action = xt_epg_action,
};


int
xt_admin_epg_sources(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_epg_res);
}

/*
 * Player API arguments: strict, bounded parsing of the query string and of
 * an application/x-www-form-urlencoded body (a key in the body overrides
 * the same key in the query, as XC does).  Only the keys the API knows are
 * decoded and kept; unknown keys are skipped.
 */

#ifndef XT_ARGS_H
#define XT_ARGS_H

#include <stddef.h>
#include <stdint.h>


#define XT_ARG_CRED_MAX     64      /* username, password */
#define XT_ARG_ACTION_MAX   64
#define XT_ARG_ID_DIGITS    10      /* ids fit uint32_t */
#define XT_ARG_KEY_MAX      32      /* longer keys are unknown by definition */
#define XT_ARG_IDS_MAX      100     /* stream_id=1,2,3: at most this many */
#define XT_ARG_IDLIST_MAX   (XT_ARG_IDS_MAX * (XT_ARG_ID_DIGITS + 1))


typedef struct {
    unsigned char  data[XT_ARG_ACTION_MAX + 1];    /* NUL-terminated */
    uint32_t       len;
    uint32_t       set;
} xt_arg_str_t;

/*
 * Numbers are strict unsigned decimals that fit uint32_t; an empty value
 * counts as absent (has_X = 0).  A repeated key: the last one wins (PHP's
 * rule, which XC follows), the body after the query.
 */
typedef struct {
    xt_arg_str_t   username;
    xt_arg_str_t   password;
    xt_arg_str_t   action;
    xt_arg_str_t   type;                /* get.php */
    xt_arg_str_t   output;              /* get.php */
    xt_arg_str_t   key;                 /* get.php: "live,movie,..." */
    uint32_t       category_id;
    uint32_t       has_category_id;     /* 0 when absent or empty */
    uint32_t       vod_id;
    uint32_t       has_vod_id;
    uint32_t       series_id;
    uint32_t       has_series_id;
    uint32_t       cat_id;              /* enigma2.php */
    uint32_t       has_cat_id;
    uint32_t       scat_id;
    uint32_t       has_scat_id;
    uint32_t       season;
    uint32_t       has_season;
    uint32_t       limit;
    uint32_t       has_limit;
    uint32_t       prev_days;
    uint32_t       has_prev_days;
    uint32_t       next_days;
    uint32_t       has_next_days;
    uint32_t       offset;              /* params[offset] */
    uint32_t       has_offset;
    uint32_t       items_per_page;      /* params[items_per_page] */
    uint32_t       has_items_per_page;
    uint32_t       stream_ids[XT_ARG_IDS_MAX];  /* stream_id=1[,2...] */
    uint32_t       nstream_ids;         /* 0 when absent or empty */
    uint32_t       stream_id_multi;     /* a comma was present */
} xt_args_t;


/*
 * Parses query (may be NULL) then body (may be NULL) into a.  Returns 0, or
 * -1 with *err set to a short static message fit for a 400 response.
 */
int xt_args_parse(xt_args_t *a, const unsigned char *query, size_t qlen,
    const unsigned char *body, size_t blen, const char **err);

/*
 * Strict percent-decoding of src into dst (capacity cap): "+" is a space,
 * "%XX" needs two hex digits, "%00" and raw control bytes are refused.
 * Returns the decoded length or -1.
 */
long xt_url_decode(unsigned char *dst, size_t cap, const unsigned char *src,
    size_t len);

/* strict unsigned decimal: 1..digits digits, no sign, fits uint32_t */
int xt_parse_u32(const unsigned char *p, size_t len, uint32_t *out);

#endif /* XT_ARGS_H */

/*
 * One field of an application/x-www-form-urlencoded body, as nginx-rtmp's
 * on_publish / on_publish_done callbacks POST it (ngx_xtream_publish_module.c).
 * Pure C, no nginx: fuzzed (fuzz/form.c) and unit-tested (tests/test_form.c).
 *
 * The FIRST occurrence of a field wins: nginx-rtmp writes its own fields
 * (call, name, addr, app, ...) before the publisher's URL arguments, so a
 * publisher cannot override call or name.
 */

#ifndef XT_FORM_H
#define XT_FORM_H

#include <stddef.h>


typedef enum {
    XT_FORM_OK = 0,
    XT_FORM_ABSENT,         /* no "name=" field (a bare "name" is absent) */
    XT_FORM_TOO_LONG        /* the value cannot decode to max bytes or less */
} xt_form_rc_e;

/*
 * Finds the first "name=value" of body[0..len).  On XT_FORM_OK *val and
 * *vlen are the raw (still encoded) value.  A value longer than 3 * max
 * bytes is XT_FORM_TOO_LONG without being decoded.
 */
xt_form_rc_e xt_form_find(const unsigned char *body, size_t len,
    const char *name, size_t max, const unsigned char **val, size_t *vlen);

/*
 * Decodes a raw value into dst (room for len bytes: decoding never grows):
 * "+" is a space, "%XX" a byte; malformed escapes are dropped or kept as
 * the module did with "+" turned into spaces first and then
 * nginx's ngx_unescape_uri(.., 0): "%" + a non-hex byte keeps that byte, "%X" + a non-hex byte drops both, a
 * trailing "%" or "%X" is dropped.  Returns the decoded length.
 */
size_t xt_form_unescape(unsigned char *dst, const unsigned char *src,
    size_t len);

#endif /* XT_FORM_H */

/*
 * The settings table's known names and their rules (docs/SETTINGS.md): one
 * check for PATCH /admin/api/settings and `xtreamctl import`, so neither
 * stores a value the module or `make run` cannot use.
 */
#ifndef XT_SETTINGS_H
#define XT_SETTINGS_H

#include <stddef.h>

/* the module's zoneinfo directory (NGX_XTREAM_ZONEINFO) */
#define XT_ZONEINFO  "/usr/share/zoneinfo"

/* 1 when name is a known setting */
int xt_setting_known(const char *name);

/* 0 when value (NUL-terminated, len bytes) is valid for setting name;
   -1 with why ("unknown setting, known: ..." or the value's rule) */
int xt_setting_check(const char *name, const char *value, size_t len,
    char *why, size_t whylen);

#endif

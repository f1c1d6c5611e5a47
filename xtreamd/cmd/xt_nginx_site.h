/*
 * The few xtream_* directives of an nginx site file that must agree with
 * xtreamd.conf (`xtreamctl setup` checks them) or that name secret files
 * (`xtreamctl backup` saves them).  Not an nginx parser: statements are
 * split at ";", "{" and "}" outside comments, and the first word is the
 * directive; quoting is not handled (the shipped site uses none).
 */
#ifndef XT_NGINX_SITE_H
#define XT_NGINX_SITE_H

#include <stddef.h>

#include "xt_config.h"

typedef struct {
    char  snapshot_dir[XT_CONF_PATH_MAX];
    char  media_root[XT_CONF_PATH_MAX];
    char  archive_root[XT_CONF_PATH_MAX];
    char  event_socket[XT_CONF_PATH_MAX];
    char  secret[XT_CONF_PATH_MAX];           /* xtream_secret's value */
    char  cluster_secret[XT_CONF_PATH_MAX];   /* xtream_cluster_secret's */
} xt_nginx_site_t;

/* read path; -1 with err set when it cannot be read */
int xt_nginx_site_load(xt_nginx_site_t *s, const char *path, char *err,
    size_t errlen);

/* the differences between the site and cf, one "  name: ..." line each
   into out; returns how many */
int xt_nginx_site_compare(const xt_nginx_site_t *s, const xt_config_t *cf,
    char *out, size_t outlen);

/* the file behind an "xtream_secret file:PATH" value, or NULL */
const char *xt_nginx_site_secret_file(const char *value);

#endif

/*
 * Who the admin API's client is (docs/SECURITY.md "Local users"): the TCP
 * peer, or the address nginx forwards in X-Real-IP when the peer is one of
 * admin_trusted_proxies and, with admin_proxy_key_file set, the request
 * carries that key in X-Xtream-Proxy-Key (set by nginx; a local process
 * that is not nginx cannot read it).  Pure functions: unit-tested.
 */
#ifndef XT_ADMIN_PROXY_H
#define XT_ADMIN_PROXY_H

#include <stddef.h>

#include "xt_config.h"

struct sockaddr;

#define XT_PROXY_KEY_MIN  32
#define XT_PROXY_KEY_MAX  128

/* read admin_proxy_key_file into key (NUL-terminated, "" when unset);
   -1 with err when the file cannot be read or the key is too short/long
   or not [0-9A-Za-z_-] */
int xt_admin_proxy_key_load(const xt_config_t *cf, char *key, size_t keysz,
    char *err, size_t errlen);

/* 1 when the peer is one of trusted and, when key is not "", key_hdr
   equals it: its forwarded headers (X-Real-IP, X-Forwarded-Proto) count */
int xt_admin_proxy_trusted(const struct sockaddr *peer, const char *key_hdr,
    const char *trusted, const char *key);

/* the client's address into out: the peer's text, or real (X-Real-IP)
   when the peer is trusted and key is "" or equals key_hdr */
void xt_admin_client_address(const struct sockaddr *peer, const char *real,
    const char *key_hdr, const char *trusted, const char *key, char *out,
    size_t outlen);

#endif

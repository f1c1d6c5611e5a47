/*
 * Per-line access checks of the delivery path: allowed client addresses
 * (exact IPv4/IPv6 or CIDR), allowed user agents (exact), allowed outputs.
 * The lists are the snapshot's comma-separated strings; empty = any.
 * Pure C, no nginx.
 */

#ifndef XT_ACCESS_H
#define XT_ACCESS_H

#include <stddef.h>
#include <stdint.h>


#define XT_ACCESS_ADDR_LEN  16      /* IPv6, IPv4 as ::ffff:a.b.c.d */

/* IPv4 (4 bytes) or IPv6 (16 bytes) into the 16-byte form */
void xt_access_addr_v4(uint8_t out[XT_ACCESS_ADDR_LEN], const uint8_t v4[4]);
void xt_access_addr_v6(uint8_t out[XT_ACCESS_ADDR_LEN], const uint8_t v6[16]);

/*
 * 1 when addr matches an entry of list ("a.b.c.d", "a.b.c.d/n", "x::y",
 * "x::y/n", spaces around entries ignored) or the list is empty; 0
 * otherwise.  A malformed entry never matches.
 */
int xt_access_ip_allowed(const char *list, size_t len,
    const uint8_t addr[XT_ACCESS_ADDR_LEN]);

/* 1 when p[0..len) is one entry xt_access_ip_allowed() can match
 * ("a.b.c.d", "a.b.c.d/0..32", "x::y", "x::y/0..128"; no spaces) */
int xt_access_ip_entry_valid(const char *p, size_t len);

/* 1 when every non-empty entry of list is valid (an empty list is) */
int xt_access_ip_list_valid(const char *list, size_t len);

/* 1 when ua equals an entry of list (case-sensitive, entries trimmed) or
 * the list is empty; an empty ua never matches a non-empty list */
int xt_access_ua_allowed(const char *list, size_t len, const char *ua,
    size_t ua_len);

/* the XT_OUT_* bit a live URL extension needs: "" and "ts" -> ts,
 * "m3u8" -> m3u8 (ext_is_m3u8 set); 1 when outputs has it */
int xt_access_output_allowed(uint32_t outputs, int ext_is_m3u8);

/*
 * 1 when host (the Host header's name, without port) may be written into
 * URLs we send back (M3U, player_api server_info): a DNS name of letters,
 * digits, "-", "_" and "." (at most 253 bytes), or an IPv6 literal in
 * brackets (hex digits, ":" and "."); 0 otherwise (quotes, "=", "<", ...
 * would break out of an M3U attribute: docs/SECURITY.md "Output escaping").
 */
int xt_access_host_valid(const char *host, size_t len);

#endif /* XT_ACCESS_H */

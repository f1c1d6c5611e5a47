/*
 * Device MAC addresses (MAG set-top boxes bound to a line): six bytes,
 * written "00:1A:79:AB:CD:EF" (upper-case, colons), the form the store
 * keeps and the portal compares.  Shared by xtreamd (admin API, import,
 * xtreamctl, the lines snapshot) and the module.  Pure C.
 */

#ifndef XT_MAC_H
#define XT_MAC_H

#include <stddef.h>
#include <stdint.h>


#define XT_MAC_LEN       6
#define XT_MAC_TEXT_LEN  17      /* "00:1A:79:AB:CD:EF" */

/*
 * Six hex pairs separated by ':' or '-' (one separator kind throughout),
 * either case; nothing else, no spaces.  All-zero and multicast addresses
 * (low bit of the first byte) are refused: no box has them.  0 or -1.
 */
int xt_mac_parse(const char *s, size_t len, uint8_t mac[XT_MAC_LEN]);

/* the normal form, NUL-terminated (out holds XT_MAC_TEXT_LEN + 1) */
void xt_mac_format(const uint8_t mac[XT_MAC_LEN], char *out);

/* parse + format: the stored form of s into out, 0 or -1 */
int xt_mac_normalize(const char *s, size_t len, char *out);

#endif /* XT_MAC_H */

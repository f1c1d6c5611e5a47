/*
 * Activity datagrams, both ends (CONTRACTS.md "Event datagrams"): the
 * module's formatter (xt_event.c) on hostile user agents, user names and
 * addresses, and the contract that xtreamd's parser (xt_events_parse.c)
 * accepts every datagram the module sends and reads back the same fields.
 *
 * Input: 40 bytes of numbers and choices, then addr \x01 username \x01 ua.
 */

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_event.h"
#include "daemon_event.h"


static uint64_t
take(const uint8_t **p, size_t n)
{
    uint64_t  v = 0;

    while (n--) {
        v = v << 8 | *(*p)++;
    }

    return v;
}


/* the next part up to \x01 (or the end) */
static const char *
part(const uint8_t **p, const uint8_t *end, size_t *len)
{
    const uint8_t  *s = *p, *e;

    e = memchr(s, 1, (size_t) (end - s));
    if (e == NULL) {
        e = end;
    }

    *len = (size_t) (e - s);
    *p = e < end ? e + 1 : end;

    return (const char *) s;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char  *types[] = { "open", "close" };
    static const char  *kinds[] = { "live", "hls", "movie", "episode" };
    static const char   ipch[] = "0123456789abcdefABCDEF.:";

    char                 buf[XT_EVENT_MAX], addr[XT_EVENT_TEXT_MAX], c;
    char                 want[XT_EVENT_UA_MAX + 1], conn[17];
    size_t               n, i, alen, addr_len;
    xt_event_t           ev;
    const char          *why, *a;
    const uint8_t       *p, *end;
    fz_daemon_event_t    d;

    if (size < 40) {
        return 0;
    }

    p = data;
    end = data + size;
    memset(&ev, 0, sizeof(ev));

    ev.line_id = (uint32_t) take(&p, 4);
    ev.stream_id = (uint32_t) take(&p, 4);
    ev.conn = take(&p, 8);
    /* what nginx can send: a clock before year 9999, byte counts in
       int64_t; the daemon refuses anything else by contract */
    ev.time = (int64_t) (take(&p, 8) % 253402300800ULL);
    ev.bytes = take(&p, 8) & INT64_MAX;
    ev.start = (int64_t) take(&p, 4);
    ev.pid = (int32_t) take(&p, 2);
    ev.type = types[*p++ % 2];
    ev.kind = kinds[*p++ % 4];
    ev.detail = "fuzz";

    /* the address is nginx's text of the peer: hex digits, '.' and ':' */
    a = part(&p, end, &alen);
    addr_len = alen < sizeof(addr) ? alen : sizeof(addr);
    for (i = 0; i < addr_len; i++) {
        addr[i] = ipch[(unsigned char) a[i] % (sizeof(ipch) - 1)];
    }
    ev.addr = addr;
    ev.addr_len = addr_len;

    ev.username = part(&p, end, &ev.username_len);
    ev.ua = part(&p, end, &ev.ua_len);

    n = xt_event_format(&ev, buf, sizeof(buf));
    assert(n > 0 && n <= sizeof(buf));

    if (fz_daemon_event_parse(buf, n, &d, &why) != 0) {
        fprintf(stderr, "xtreamd refused the module's datagram (%s): %.*s\n",
                why, (int) n, buf);
        abort();
    }

    snprintf(conn, sizeof(conn), "%016llx", (unsigned long long) ev.conn);
    assert(d.type == (ev.type[0] == 'o' ? 1 : 2));
    assert(strcmp(d.conn, conn) == 0);
    assert(d.line == ev.line_id && d.stream == ev.stream_id);
    assert(strcmp(d.kind, ev.kind) == 0);
    assert(strlen(d.ip) == addr_len && memcmp(d.ip, addr, addr_len) == 0);
    assert(d.ts == ev.time && d.bytes == ev.bytes);

    /* the user agent: bounded, non-printable bytes as '?' */
    n = ev.ua_len < XT_EVENT_UA_MAX ? ev.ua_len : XT_EVENT_UA_MAX;
    for (i = 0; i < n; i++) {
        c = ev.ua[i];
        want[i] = ((unsigned char) c >= 0x20 && (unsigned char) c < 0x7f)
                  ? c : '?';
    }
    want[n] = '\0';
    assert(strcmp(d.ua, want) == 0);

    /* the on-demand start datagram */
    n = xt_event_format_start(ev.stream_id, ev.time, buf, sizeof(buf));
    assert(n > 0);
    assert(fz_daemon_event_parse(buf, n, &d, &why) == 0);
    assert(d.type == 3 && d.stream == ev.stream_id && d.ts == ev.time);

    return 0;
}

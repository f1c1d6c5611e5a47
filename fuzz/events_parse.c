/*
 * xtreamd's event sink (xt_events_parse.c) on any datagram: whatever
 * arrives on the socket is parsed strictly or refused with a reason.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "xt_events.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xt_event_t   e;
    const char  *why = NULL;

    if (xt_event_parse((const char *) data, size, &e, &why) != 0) {
        assert(why != NULL);
        return 0;
    }

    assert(why == NULL);
    assert(e.type >= XT_EV_OPEN && e.type <= XT_EV_UNPUBLISH);
    assert(strlen(e.conn) <= 16 && strlen(e.ip) <= XT_EVENT_IP_MAX
           && strlen(e.ua) <= XT_EVENT_UA_MAX && e.kind[0] != '\0');

    return 0;
}

/*
 * XMLTV import (xtreamd/epg/xt_epg_*.c): any bytes as the guide file, read
 * through the real input layer (plain or gzip by magic bytes, size cap,
 * UTF-8 repair) into the streaming libxml2 reader and the record rules.
 * See fuzz/README.md.
 */

#define _GNU_SOURCE
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xt_epg_input.h"
#include "xt_epg_extra.h"
#include "xt_epg_xmltv.h"
#include "xt_log.h"


static volatile unsigned  sink;


static void
touch(const char *p, size_t len)
{
    size_t  i;

    assert(len == 0 || p != NULL);
    for (i = 0; i < len; i++) {
        sink += (unsigned char) p[i];
    }
}


static int
on_channel(void *ctx, const xt_epg_chan_t *c, int *reason)
{
    (void) ctx;
    (void) reason;
    assert(c->id_len >= 1 && c->id_len <= XT_EPG_CHANNEL_ID_MAX);
    touch(c->id, c->id_len);
    touch(c->name, c->name_len);
    touch(c->icon, c->icon_len);
    return XT_EPG_STORED;
}


static int
on_programme(void *ctx, const xt_epg_prog_t *p, int *reason)
{
    (void) ctx;
    (void) reason;
    if (p->stop == XT_EPG_NO_STOP) {
        return XT_EPG_DEFERRED;     /* the store ends it at the next start */
    }
    /* what the rules let through */
    assert(p->stop > p->start && p->stop - p->start <= XT_EPG_MAX_SECONDS);
    assert(p->sub_title_len <= XT_EPG_SUBTITLE_MAX
           && p->extra_len <= XT_EPG_EXTRA_MAX);
    touch(p->sub_title, p->sub_title_len);
    touch(p->extra, p->extra_len);
    assert(p->title_len <= XT_EPG_TITLE_MAX && p->desc_len <= XT_EPG_DESC_MAX
           && p->lang_len <= XT_EPG_LANG_MAX);
    touch(p->channel, p->channel_len);
    touch(p->title, p->title_len);
    touch(p->desc, p->desc_len);
    touch(p->lang, p->lang_len);
    return XT_EPG_STORED;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int              fd;
    xt_xmltv_t       x;
    xt_epg_input_t   in;
    static int       quiet;

    if (!quiet) {
        quiet = xt_log_open("/dev/null") == 0;      /* one line per error */
    }

    fd = memfd_create("xmltv", MFD_CLOEXEC);
    assert(fd >= 0);
    assert(write(fd, data, size) == (ssize_t) size);
    assert(lseek(fd, 0, SEEK_SET) == 0);

    /* a gzip bomb stops at the cap */
    if (xt_epg_input_open(&in, fd, 16 * 1024 * 1024) != 0) {
        return 0;
    }

    memset(&x, 0, sizeof(x));
    x.read = xt_epg_input_read;
    x.complete = xt_epg_input_complete;
    x.read_ctx = &in;
    x.lang = "en";
    x.now = 1796563800;
    x.channel = on_channel;
    x.programme = on_programme;

    if (xt_xmltv_parse(&x) != 0) {
        assert(x.err[0] != '\0' || x.aborted);
    }
    assert(x.stored <= x.programmes);

    xt_epg_input_close(&in);
    return 0;
}

#include "tscc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define TS 188
#define AVIO_BUF (TS * 64)

void tscc_init(struct tscc *t)
{
    memset(t->cc, TSCC_NONE, sizeof t->cc);
    memset(t->disc, 0, sizeof t->disc);
    t->part_len = 0;
    t->fd = -1;
    t->bytes = 0;
}

void tscc_mark_discontinuity(struct tscc *t)
{
    memset(t->disc, 1, sizeof t->disc);
}

/* A PSI section packet as the mpegts muxer writes it: payload only, unit
 * start, no PES start code, ending in at least 2 bytes of 0xFF stuffing. */
static int section_with_stuffing(const uint8_t *p)
{
    return ((p[3] >> 4) & 3) == 1 && (p[1] & 0x40) &&
           !(p[4] == 0 && p[5] == 0 && p[6] == 1) && p[TS - 1] == 0xFF && p[TS - 2] == 0xFF;
}

static int set_discontinuity(uint8_t *p)
{
    int afc = (p[3] >> 4) & 3;
    if ((afc & 2) && p[4] > 0) {
        p[5] |= 0x80;
        return 1;
    }
    if (section_with_stuffing(p)) {
        memmove(p + 6, p + 4, TS - 6); /* drops two stuffing bytes */
        p[3] = (uint8_t)((p[3] & 0xCF) | 0x30);
        p[4] = 1;                      /* adaptation_field_length */
        p[5] = 0x80;                   /* discontinuity_indicator */
        return 1;
    }
    return 0;
}

void tscc_packet(struct tscc *t, uint8_t *p)
{
    if (p[0] != 0x47)
        return;
    int pid = ((p[1] & 0x1F) << 8) | p[2];
    if (pid == 0x1FFF)
        return; /* null packets carry no counter */
    if (t->disc[pid] && set_discontinuity(p))
        t->disc[pid] = 0;
    int has_payload = (p[3] >> 4) & 1;
    uint8_t cc = p[3] & 0x0F;
    if (t->cc[pid] != TSCC_NONE)
        cc = has_payload ? (t->cc[pid] + 1) & 0x0F : t->cc[pid];
    t->cc[pid] = cc;
    p[3] = (uint8_t)((p[3] & 0xF0) | cc);
}

static int write_all(int fd, const uint8_t *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return AVERROR(w < 0 ? errno : EIO);
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

#if LIBAVFORMAT_VERSION_MAJOR >= 61
#define TSCC_CONST const
#else
#define TSCC_CONST
#endif

/* avio hands over its buffer; whole packets are rewritten in place there,
 * a packet split across two calls is assembled in t->part. */
static int on_write(void *opaque, TSCC_CONST uint8_t *cbuf, int size)
{
    struct tscc *t = opaque;
    uint8_t *buf = (uint8_t *)cbuf; /* avio's own buffer, refilled after us */
    int ret, n = size;
    if (t->part_len) {
        int take = TS - t->part_len < n ? TS - t->part_len : n;
        memcpy(t->part + t->part_len, buf, (size_t)take);
        t->part_len += take;
        buf += take;
        n -= take;
        if (t->part_len < TS)
            return size;
        tscc_packet(t, t->part);
        t->part_len = 0;
        if ((ret = write_all(t->fd, t->part, TS)) < 0)
            return ret;
    }
    int whole = n - n % TS;
    for (int i = 0; i < whole; i += TS)
        tscc_packet(t, buf + i);
    if (whole && (ret = write_all(t->fd, buf, (size_t)whole)) < 0)
        return ret;
    memcpy(t->part, buf + whole, (size_t)(n - whole));
    t->part_len = n - whole;
    t->bytes += size;
    return size;
}

AVIOContext *tscc_open(struct tscc *t, const char *path)
{
    uint8_t *buf = av_malloc(AVIO_BUF);
    if (!buf) {
        errno = ENOMEM;
        return NULL;
    }
    t->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (t->fd < 0) {
        av_free(buf);
        return NULL;
    }
    t->part_len = 0;
    t->bytes = 0;
    AVIOContext *pb = avio_alloc_context(buf, AVIO_BUF, 1, t, NULL, on_write, NULL);
    if (!pb) {
        av_free(buf);
        close(t->fd);
        t->fd = -1;
        errno = ENOMEM;
    }
    return pb;
}

int tscc_close(struct tscc *t, AVIOContext **pb)
{
    int ret = 0;
    if (*pb) {
        avio_flush(*pb);
        ret = (*pb)->error;
        av_freep(&(*pb)->buffer);
        avio_context_free(pb);
    }
    if (!ret && t->part_len)
        ret = AVERROR_INVALIDDATA; /* the muxer writes whole packets */
    t->part_len = 0;
    if (t->fd >= 0 && close(t->fd) && !ret)
        ret = AVERROR(errno);
    t->fd = -1;
    return ret;
}

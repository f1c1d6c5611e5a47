/* MPEG-TS continuity across files. Each segment is written by a fresh mpegts
 * muxer, which starts every PID's continuity counter again; the bytes pass
 * through here on their way to the file and get one counter per PID that runs
 * on for the writer's whole life, so segments joined end to end (the
 * continuous /live/…ts and catch-up deliveries) are one valid stream. */
#ifndef XTW_TSCC_H
#define XTW_TSCC_H

#include <libavformat/avformat.h>
#include <stdint.h>

#define TSCC_PIDS 8192
#define TSCC_NONE 0x10 /* no packet of this PID written yet */

struct tscc {
    uint8_t cc[TSCC_PIDS];   /* last counter written, or TSCC_NONE */
    uint8_t disc[TSCC_PIDS]; /* flag the next packet of this PID */
    uint8_t part[188];       /* a packet split across two writes */
    int part_len;
    int fd;
    int64_t bytes;           /* written to the current file */
};

void tscc_init(struct tscc *t);
/* The next packet of every PID carries discontinuity_indicator (a restart, a
 * source switch): in its adaptation field, or, for a section packet without
 * one (PAT/PMT/SDT), in a 2-byte field taken from its 0xFF stuffing. The
 * muxer's mpegts_flags=+initial_discontinuity covers the PES PIDs whose first
 * packet has no adaptation field. */
void tscc_mark_discontinuity(struct tscc *t);
/* Opens path (created/truncated) and returns an AVIOContext whose bytes go
 * through the counter rewrite, or NULL with errno set. */
AVIOContext *tscc_open(struct tscc *t, const char *path);
/* Flushes and closes; 0, or a negative AVERROR (the file may be short). */
int tscc_close(struct tscc *t, AVIOContext **pb);
/* Rewrites one 188-byte packet in place (exposed for the unit test). */
void tscc_packet(struct tscc *t, uint8_t *p);

#endif

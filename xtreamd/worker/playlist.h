/* HLS playlists: the variant playlist window (write atomically, reload on
 * restart) and the master playlist. */
#ifndef XTW_PLAYLIST_H
#define XTW_PLAYLIST_H

#include <stdint.h>
#include "args.h"

struct pl_entry {
    int64_t seq;
    double duration;   /* seconds */
    int64_t pdt_ms;    /* wall clock, ms since the epoch */
    int disc;          /* #EXT-X-DISCONTINUITY before this segment */
    int key;           /* AES-128 encrypted: #EXT-X-KEY before it */
    int64_t key_idx;   /* its key index (kept as loaded: a restart may
                          change the rotation) */
};

struct playlist {
    struct pl_entry e[XTW_MAX_WINDOW];
    int n;
    int window;
    int64_t disc_seq;  /* #EXT-X-DISCONTINUITY-SEQUENCE */
    int min_target;    /* --segment-seconds */
};

void pl_init(struct playlist *p, int window, int min_target);
/* Appends; if the window overflows, the oldest entry is evicted and its seq
 * stored in *evicted (else *evicted = -1). */
void pl_push(struct playlist *p, const struct pl_entry *e, int64_t *evicted);
/* Writes path atomically (path.tmp then rename). */
int pl_write(const struct playlist *p, const char *path);
/* Loads a playlist this worker wrote before (strict, bounded). Returns 0 and
 * fills p (keeping at most p->window entries), or -1 if missing or invalid. */
int pl_load(struct playlist *p, const char *path);

struct pl_variant {
    int64_t bandwidth;   /* bits per second */
    int width, height;   /* 0 = audio only */
    char codecs[64];     /* "" = unknown */
};
int pl_write_master(const char *path, const struct pl_variant *v, int n);

#endif

/* ABR: decode once, one filter graph (split + scale per rung), libx264 or
 * libx265 per rung with keyframes forced on a shared time grid, audio encoded
 * once per distinct (codec, bitrate) and the packets reused by every rung, or
 * the source's audio packets copied into the rungs that ask for it. */
#ifndef XTW_TRANSCODE_H
#define XTW_TRANSCODE_H

#include "args.h"
#include "input.h"
#include "segmenter.h"

struct abr;

struct abr *abr_new(const struct xtw_args *args, struct segmenter *segs);
/* Builds decoders and filter graphs for a newly opened input; on the first
 * input also the encoders (their layout then stays for the whole run). */
int abr_open_input(struct abr *a, const struct input *in, char *err, size_t errlen);
/* pkt is in 1/90000 on the output timeline; slot 0 = video, 1 = audio. */
int abr_packet(struct abr *a, AVPacket *pkt, int is_video);
/* Drains the decoders and frees them and the graphs (input went away). */
void abr_close_input(struct abr *a);
/* drain: flush encoders into the segments (end of input); else drop them. */
void abr_finish(struct abr *a, int drain);
void abr_free(struct abr *a);
/* Output description of rung i for the master playlist. */
void abr_variant(const struct abr *a, int i, int *w, int *h, int64_t *bandwidth);

#endif

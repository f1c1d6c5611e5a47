/* Copy mode: remux the selected video and audio packets into one variant. */
#ifndef XTW_COPY_H
#define XTW_COPY_H

#include "input.h"
#include "segmenter.h"

/* Declares the input's streams to the segmenter (a changed layout starts a
 * new segment with a discontinuity). */
int copy_open_input(struct segmenter *seg, const struct input *in);
/* pkt is on the output timeline (1/90000), stream_index = slot. */
int copy_packet(struct segmenter *seg, const AVPacket *pkt, int is_video);

#endif

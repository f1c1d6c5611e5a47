/* One ABR rung's video encoder: libx264 or libx265. */
#ifndef XTW_VENC_H
#define XTW_VENC_H

#include <libavcodec/avcodec.h>
#include "args.h"

/* Opens the rung's encoder for W x H yuv420p frames in 1/90000; gop = frames
 * per segment. Returns NULL with a message in err. */
AVCodecContext *venc_open(const struct xtw_rung *r, const char *preset, int w, int h, AVRational sar,
                          AVRational fps, int gop, char *err, size_t errlen);
const char *venc_name(enum xtw_vcodec c); /* "h264" or "hevc" (status line) */

#endif

/* One ABR audio encoder (aac or libmp3lame) fed 48 kHz fltp stereo frames of
 * any size: an audio FIFO re-cuts them to the encoder's frame size (1024 for
 * AAC, 1152 for MP3). */
#ifndef XTW_AENC_H
#define XTW_AENC_H

#include <libavcodec/avcodec.h>
#include <libavutil/audio_fifo.h>
#include "args.h"

struct aenc {
    AVCodecContext *c;
    enum xtw_acodec codec;
    int kbps;
    AVAudioFifo *fifo;
    AVFrame *chunk;
    int64_t fifo_pts;        /* pts of the FIFO's first sample (1/48000) */
};

int aenc_open(struct aenc *e, enum xtw_acodec codec, int kbps, char *err, size_t errlen);
/* Sends f (pts in 1/48000; NULL = end of stream: the rest, then a flush);
 * after each frame sent calls drain(ctx) so the caller takes the packets. */
void aenc_send(struct aenc *e, const AVFrame *f, void (*drain)(void *ctx), void *ctx);
void aenc_free(struct aenc *e);
const char *aenc_name(enum xtw_acodec c); /* "aac", "mp3", "copy" */

#endif

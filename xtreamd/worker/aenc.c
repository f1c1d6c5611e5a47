#include "aenc.h"

#include <stdio.h>
#include <string.h>

const char *aenc_name(enum xtw_acodec c)
{
    return c == XTW_A_MP3 ? "mp3" : c == XTW_A_COPY ? "copy" : "aac";
}

int aenc_open(struct aenc *e, enum xtw_acodec codec, int kbps, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    e->codec = codec;
    e->kbps = kbps;
    e->fifo_pts = AV_NOPTS_VALUE;
    const char *lib = codec == XTW_A_MP3 ? "libmp3lame" : "aac";
    const AVCodec *enc = avcodec_find_encoder_by_name(lib);
    if (!enc) {
        snprintf(err, errlen, "%s encoder not available", lib);
        return AVERROR_ENCODER_NOT_FOUND;
    }
    AVCodecContext *c = e->c = avcodec_alloc_context3(enc);
    if (!c)
        return AVERROR(ENOMEM);
    c->sample_rate = 48000;
    c->sample_fmt = AV_SAMPLE_FMT_FLTP;
    av_channel_layout_default(&c->ch_layout, 2);
    c->time_base = (AVRational){1, 48000};
    c->bit_rate = (int64_t)kbps * 1000;
    c->thread_count = 0;
    int ret = avcodec_open2(c, enc, NULL);
    if (ret < 0) {
        snprintf(err, errlen, "open %s: %s", lib, av_err2str(ret));
        return ret;
    }
    if (c->frame_size > 0 && c->frame_size != 1024) {
        e->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, c->frame_size * 4);
        e->chunk = av_frame_alloc();
        if (!e->fifo || !e->chunk)
            return AVERROR(ENOMEM);
    }
    return 0;
}

/* Sends FIFO chunks of frame_size samples (or the short rest at the end). */
static void send_chunks(struct aenc *e, int final, void (*drain)(void *), void *ctx)
{
    int fs = e->c->frame_size;
    while (av_audio_fifo_size(e->fifo) >= fs || (final && av_audio_fifo_size(e->fifo) > 0)) {
        int n = FFMIN(fs, av_audio_fifo_size(e->fifo));
        AVFrame *ch = e->chunk;
        av_frame_unref(ch);
        ch->nb_samples = n;
        ch->format = AV_SAMPLE_FMT_FLTP;
        ch->sample_rate = 48000;
        av_channel_layout_default(&ch->ch_layout, 2);
        if (av_frame_get_buffer(ch, 0) < 0 || av_audio_fifo_read(e->fifo, (void **)ch->data, n) < n)
            return;
        ch->pts = e->fifo_pts;
        e->fifo_pts += n;
        if (avcodec_send_frame(e->c, ch) >= 0)
            drain(ctx);
    }
}

void aenc_send(struct aenc *e, const AVFrame *f, void (*drain)(void *), void *ctx)
{
    if (!e->fifo) {
        if (avcodec_send_frame(e->c, f) >= 0)
            drain(ctx);
        return;
    }
    if (f) {
        /* The caller keeps time strictly increasing; a gap (a splice) restarts
         * the grid and drops the < 1 frame left over (only the last frame of
         * a stream may be short). */
        if (av_audio_fifo_size(e->fifo) == 0 || e->fifo_pts == AV_NOPTS_VALUE ||
            f->pts > e->fifo_pts + av_audio_fifo_size(e->fifo) + 48) {
            av_audio_fifo_reset(e->fifo);
            e->fifo_pts = f->pts;
        }
        if (av_audio_fifo_write(e->fifo, (void **)f->data, f->nb_samples) < f->nb_samples)
            return;
        send_chunks(e, 0, drain, ctx);
        return;
    }
    send_chunks(e, 1, drain, ctx);
    if (avcodec_send_frame(e->c, NULL) >= 0)
        drain(ctx);
}

void aenc_free(struct aenc *e)
{
    avcodec_free_context(&e->c);
    if (e->fifo)
        av_audio_fifo_free(e->fifo);
    e->fifo = NULL;
    av_frame_free(&e->chunk);
}

/* Both encoders get the same contract so rungs of either codec cut together:
 * average bitrate capped at 1.1x with a 2 s buffer, a fixed GOP of one
 * segment, IDRs forced on the shared keyframe grid, no scene cuts and closed
 * GOPs (every segment decodes on its own). Parameter sets stay in-band (no
 * global header), as MPEG-TS wants. */
#include "venc.h"

#include <libavutil/opt.h>
#include <stdio.h>

static const AVRational tb90k = {1, 90000};

const char *venc_name(enum xtw_vcodec c)
{
    return c == XTW_V_HEVC ? "hevc" : "h264";
}

AVCodecContext *venc_open(const struct xtw_rung *r, const char *preset, int w, int h, AVRational sar,
                          AVRational fps, int gop, char *err, size_t errlen)
{
    int hevc = r->vcodec == XTW_V_HEVC;
    const char *lib = hevc ? "libx265" : "libx264";
    const AVCodec *enc = avcodec_find_encoder_by_name(lib);
    if (!enc) {
        snprintf(err, errlen, "%s encoder not available", lib);
        return NULL;
    }
    AVCodecContext *c = avcodec_alloc_context3(enc);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->width = w;
    c->height = h;
    c->sample_aspect_ratio = sar;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = tb90k;
    c->framerate = fps;
    c->gop_size = gop;
    c->keyint_min = gop;
    c->bit_rate = (int64_t)r->video_kbps * 1000;
    c->rc_max_rate = c->bit_rate * 11 / 10;
    c->rc_buffer_size = (int)(c->bit_rate * 2);
    c->thread_count = 0;
    /* x265 takes the same preset names as x264 (ultrafast..veryslow). */
    av_opt_set(c->priv_data, "preset", preset, 0);
    av_opt_set(c->priv_data, "forced-idr", "1", 0);
    if (hevc) {
        av_opt_set(c->priv_data, "profile", "main", 0);
        /* x265 prints a banner and per-encoder statistics at info level */
        av_opt_set(c->priv_data, "x265-params", "scenecut=0:open-gop=0:repeat-headers=1:log-level=error", 0);
    } else {
        av_opt_set(c->priv_data, "profile", "high", 0);
        av_opt_set(c->priv_data, "x264-params", "scenecut=0:open-gop=0", 0);
    }
    int ret = avcodec_open2(c, enc, NULL);
    if (ret < 0) {
        snprintf(err, errlen, "open %s for %s: %s", lib, r->name, av_err2str(ret));
        avcodec_free_context(&c);
    }
    return c;
}

#include "transcode.h"
#include "aenc.h"
#include "status.h"
#include "venc.h"

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define AQ_CAP 512                      /* audio packets held per rung */

static const AVRational tb90k = {1, 90000};

/* Audio packets wait until the rung's video has reached their DTS, so each
 * segment holds the audio of its own time span (x264 delays video). */
struct pktq {
    AVPacket *p[AQ_CAP];
    int head, n;
};

struct abr {
    const struct xtw_args *args;
    struct segmenter *segs;
    int n;
    int has_video, has_audio;           /* fixed by the first input */
    int enc_ready;
    AVCodecContext *vdec, *adec;
    AVFilterGraph *vgraph, *agraph;
    AVFilterContext *vsrc, *vsink[XTW_MAX_RUNGS], *asrc, *asink;
    AVCodecContext *venc[XTW_MAX_RUNGS];
    struct aenc aenc[XTW_MAX_RUNGS];    /* one per distinct (codec, bitrate) */
    int nb_aenc, rung_aenc[XTW_MAX_RUNGS]; /* -1: the rung copies the source audio */
    int encodes_audio, copies_audio;    /* from the ladder */
    int drain_k;                        /* encoder aenc_send is draining */
    int64_t next_kf[XTW_MAX_RUNGS], last_vpts[XTW_MAX_RUNGS], last_vdts[XTW_MAX_RUNGS];
    int64_t frame_dur;                  /* 90 kHz */
    AVRational fps;
    struct pktq aq[XTW_MAX_RUNGS];
    AVFrame *frame, *filt;
    AVPacket *pkt;
    /* Rung output size, fixed by the first input (scale=-2:H there); later
     * inputs and mid-stream changes are scaled (and padded) to it. */
    int rungs_fixed, rw[XTW_MAX_RUNGS], rh[XTW_MAX_RUNGS];
    AVRational rsar[XTW_MAX_RUNGS];
    /* What the buffer sources were built with: each decoded frame is
     * compared with this and the graph rebuilt at the first changed frame. */
    int src_w, src_h, src_fmt, asrc_rate, asrc_fmt;
    AVChannelLayout asrc_layout;
    int64_t vrebuilds, arebuilds;
    int64_t next_apts;                  /* end of the last audio frame encoded (1/48000) */
};

struct abr *abr_new(const struct xtw_args *args, struct segmenter *segs)
{
    struct abr *a = av_mallocz(sizeof *a);
    if (!a)
        return NULL;
    a->args = args;
    a->segs = segs;
    a->n = args->nb_rungs;
    a->frame = av_frame_alloc();
    a->filt = av_frame_alloc();
    a->pkt = av_packet_alloc();
    a->next_apts = AV_NOPTS_VALUE;
    for (int i = 0; i < a->n; i++) {
        if (args->rungs[i].acodec == XTW_A_COPY)
            a->copies_audio = 1;
        else
            a->encodes_audio = 1;
    }
    int ok = a->frame && a->filt && a->pkt;
    for (int i = 0; i < a->n; i++) {
        a->next_kf[i] = INT64_MIN;
        a->last_vpts[i] = a->last_vdts[i] = INT64_MIN;
        for (int k = 0; k < AQ_CAP && ok; k++)
            ok = (a->aq[i].p[k] = av_packet_alloc()) != NULL;
    }
    if (!ok) {
        abr_free(a);
        return NULL;
    }
    return a;
}

static AVCodecContext *open_decoder(const AVStream *st, AVFormatContext *ic, char *err, size_t errlen)
{
    const AVCodec *dec = avcodec_find_decoder(st->codecpar->codec_id);
    AVCodecContext *c = dec ? avcodec_alloc_context3(dec) : NULL;
    if (!c) {
        snprintf(err, errlen, "no decoder for %s", avcodec_get_name(st->codecpar->codec_id));
        return NULL;
    }
    int ret = avcodec_parameters_to_context(c, st->codecpar);
    c->pkt_timebase = tb90k; /* packets are rescaled to the timeline first */
    if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO)
        c->framerate = av_guess_frame_rate(ic, (AVStream *)st, NULL);
    c->thread_count = 0; /* auto: the library default of 1 is 1.7x slower */
    if (ret < 0 || (ret = avcodec_open2(c, dec, NULL)) < 0) {
        snprintf(err, errlen, "open decoder %s: %s", dec->name, av_err2str(ret));
        avcodec_free_context(&c);
    }
    return c;
}

static void free_graphs(struct abr *a)
{
    avfilter_graph_free(&a->vgraph);
    avfilter_graph_free(&a->agraph);
    a->vsrc = a->asrc = a->asink = NULL;
    memset(a->vsink, 0, sizeof a->vsink);
}

/* buffer -> split=N -> per rung scale to the rung's fixed W x H (same aspect:
 * plain scale, as scale=-2:H gave on the first input; other aspect: fit and
 * pad) -> format=yuv420p -> buffersink. */
static int build_video_graph(struct abr *a, int w, int h, int fmt, AVRational sar, char *err, size_t errlen)
{
    char args[256], desc[2048];
    int ret, len;
    AVFilterInOut *outs = NULL, *ins = NULL;

    if (!a->rungs_fixed) {
        for (int i = 0; i < a->n; i++) {
            a->rh[i] = a->args->rungs[i].height;
            a->rw[i] = (int)av_rescale(a->rh[i], w, (int64_t)h * 2) * 2; /* what scale=-2:H does */
            if (a->rw[i] < 2)
                a->rw[i] = 2;
        }
    }
    if (!(a->vgraph = avfilter_graph_alloc()))
        return AVERROR(ENOMEM);
    snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=1/90000:pixel_aspect=%d/%d",
             w, h, fmt, sar.num > 0 ? sar.num : 0, sar.num > 0 && sar.den > 0 ? sar.den : 1);
    if ((ret = avfilter_graph_create_filter(&a->vsrc, avfilter_get_by_name("buffer"), "in", args, NULL, a->vgraph)) < 0)
        goto fail;
    a->src_w = w;
    a->src_h = h;
    a->src_fmt = fmt;
    len = snprintf(desc, sizeof desc, "split=%d", a->n);
    for (int i = 0; i < a->n; i++)
        len += snprintf(desc + len, sizeof desc - len, "[s%d]", i);
    for (int i = 0; i < a->n; i++) {
        int W = a->rw[i], H = a->rh[i];
        /* within 1% of the rung's aspect: stretch the rounding away */
        int same = llabs((int64_t)w * H - (int64_t)h * W) * 100 <= (int64_t)h * W;
        if (!a->rungs_fixed || same)
            len += snprintf(desc + len, sizeof desc - len, ";[s%d]scale=%d:%d", i, W, H);
        else
            len += snprintf(desc + len, sizeof desc - len,
                            ";[s%d]scale=%d:%d:force_original_aspect_ratio=decrease:force_divisible_by=2,"
                            "pad=%d:%d:-1:-1,setsar=%d/%d", i, W, H, W, H,
                            a->rsar[i].num > 0 ? a->rsar[i].num : 1, a->rsar[i].num > 0 ? a->rsar[i].den : 1);
        len += snprintf(desc + len, sizeof desc - len, ",format=yuv420p[o%d]", i);
    }
    if (len >= (int)sizeof desc) {
        ret = AVERROR(EINVAL);
        goto fail;
    }
    /* The parser's open ends: "in" feeds the split; o0..oN-1 go to sinks. */
    outs = avfilter_inout_alloc();
    if (!outs) { ret = AVERROR(ENOMEM); goto fail; }
    outs->name = av_strdup("in");
    outs->filter_ctx = a->vsrc;
    for (int i = a->n - 1; i >= 0; i--) {
        char name[16];
        snprintf(name, sizeof name, "o%d", i);
        if ((ret = avfilter_graph_create_filter(&a->vsink[i], avfilter_get_by_name("buffersink"), name, NULL, NULL, a->vgraph)) < 0)
            goto fail;
        AVFilterInOut *io = avfilter_inout_alloc();
        if (!io) { ret = AVERROR(ENOMEM); goto fail; }
        io->name = av_strdup(name);
        io->filter_ctx = a->vsink[i];
        io->next = ins;
        ins = io;
    }
    if ((ret = avfilter_graph_parse_ptr(a->vgraph, desc, &ins, &outs, NULL)) < 0 ||
        (ret = avfilter_graph_config(a->vgraph, NULL)) < 0)
        goto fail;
    avfilter_inout_free(&ins);
    avfilter_inout_free(&outs);
    if (!a->rungs_fixed) {
        for (int i = 0; i < a->n; i++)
            a->rsar[i] = av_buffersink_get_sample_aspect_ratio(a->vsink[i]);
        a->rungs_fixed = 1;
    }
    return 0;
fail:
    avfilter_inout_free(&ins);
    avfilter_inout_free(&outs);
    snprintf(err, errlen, "video filter graph: %s", av_err2str(ret));
    return ret;
}

/* A layout of unknown order (or none) becomes the default one for its
 * channel count, so abuffer accepts it and frames compare equal. */
static int normalize_layout(AVChannelLayout *l)
{
    if (l->order != AV_CHANNEL_ORDER_UNSPEC && l->nb_channels > 0)
        return 0;
    int n = l->nb_channels > 0 ? l->nb_channels : 2;
    av_channel_layout_uninit(l);
    av_channel_layout_default(l, n);
    return 0;
}

/* abuffer -> aresample=48000,aformat=fltp:stereo -> abuffersink (1024-sample frames). */
static int build_audio_graph(struct abr *a, int rate, int sfmt, const AVChannelLayout *chl, char *err, size_t errlen)
{
    char args[512], layout[128];
    AVFilterContext *fmt = NULL;
    int ret;
    if (!(a->agraph = avfilter_graph_alloc()))
        return AVERROR(ENOMEM);
    av_channel_layout_uninit(&a->asrc_layout);
    if ((ret = av_channel_layout_copy(&a->asrc_layout, chl)) < 0)
        goto fail;
    normalize_layout(&a->asrc_layout);
    a->asrc_rate = rate;
    a->asrc_fmt = sfmt;
    av_channel_layout_describe(&a->asrc_layout, layout, sizeof layout);
    snprintf(args, sizeof args, "time_base=1/90000:sample_rate=%d:sample_fmt=%s:channel_layout=%s",
             rate, av_get_sample_fmt_name(sfmt), layout);
    if ((ret = avfilter_graph_create_filter(&a->asrc, avfilter_get_by_name("abuffer"), "ain", args, NULL, a->agraph)) < 0 ||
        (ret = avfilter_graph_create_filter(&fmt, avfilter_get_by_name("aresample"), "ares", "48000", NULL, a->agraph)) < 0 ||
        (ret = avfilter_graph_create_filter(&a->asink, avfilter_get_by_name("abuffersink"), "aout", NULL, NULL, a->agraph)) < 0)
        goto fail;
    AVFilterContext *af = NULL;
    if ((ret = avfilter_graph_create_filter(&af, avfilter_get_by_name("aformat"), "afmt",
                                            "sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo", NULL, a->agraph)) < 0 ||
        (ret = avfilter_link(a->asrc, 0, fmt, 0)) < 0 || (ret = avfilter_link(fmt, 0, af, 0)) < 0 ||
        (ret = avfilter_link(af, 0, a->asink, 0)) < 0 || (ret = avfilter_graph_config(a->agraph, NULL)) < 0)
        goto fail;
    av_buffersink_set_frame_size(a->asink, 1024); /* the aac encoder's frame size */
    return 0;
fail:
    snprintf(err, errlen, "audio filter graph: %s", av_err2str(ret));
    return ret;
}

static int open_video_encoders(struct abr *a, char *err, size_t errlen)
{
    a->fps = a->vdec->framerate;
    if (a->fps.num <= 0 || a->fps.den <= 0 || av_q2d(a->fps) > 120 || av_q2d(a->fps) < 1)
        a->fps = (AVRational){25, 1};
    a->frame_dur = av_rescale_q(1, av_inv_q(a->fps), tb90k);
    int gop = (int)(av_q2d(a->fps) * a->args->segment_seconds + 0.5);
    for (int i = 0; i < a->n; i++) {
        a->venc[i] = venc_open(&a->args->rungs[i], a->args->preset, a->rw[i], a->rh[i], a->rsar[i],
                               a->fps, gop, err, errlen);
        if (!a->venc[i])
            return AVERROR(EINVAL);
    }
    status_set_video(a->venc[0]->width, a->venc[0]->height, venc_name(a->args->rungs[0].vcodec));
    return 0;
}

static int open_audio_encoders(struct abr *a, char *err, size_t errlen)
{
    for (int i = 0; i < a->n; i++) {
        const struct xtw_rung *r = &a->args->rungs[i];
        int k;
        a->rung_aenc[i] = -1;
        if (r->acodec == XTW_A_COPY)
            continue;
        for (k = 0; k < a->nb_aenc; k++)
            if (a->aenc[k].codec == r->acodec && a->aenc[k].kbps == r->audio_kbps)
                break;
        a->rung_aenc[i] = k;
        if (k < a->nb_aenc)
            continue; /* same codec and bitrate: reuse that encoder's packets */
        int ret = aenc_open(&a->aenc[a->nb_aenc++], r->acodec, r->audio_kbps, err, errlen);
        if (ret < 0)
            return ret;
    }
    status_set_audio(aenc_name(a->args->rungs[0].acodec));
    return 0;
}

/* Audio an HLS MPEG-TS segment can carry (and a player expects there). */
static int ts_audio_ok(enum AVCodecID id)
{
    return id == AV_CODEC_ID_AAC || id == AV_CODEC_ID_MP3 || id == AV_CODEC_ID_MP2 ||
           id == AV_CODEC_ID_AC3 || id == AV_CODEC_ID_EAC3;
}

/* Declares rung i's streams: the encoders' outputs, or for a copy rung the
 * source's audio (a new source with other audio gets a discontinuity). */
static int set_rung_streams(struct abr *a, int i, const AVCodecParameters *src_audio)
{
    AVCodecParameters *vp = avcodec_parameters_alloc(), *ap = avcodec_parameters_alloc();
    int ret = (vp && ap) ? 0 : AVERROR(ENOMEM);
    if (!ret && a->has_video)
        ret = avcodec_parameters_from_context(vp, a->venc[i]);
    if (ret >= 0 && a->has_audio)
        ret = a->rung_aenc[i] < 0 ? avcodec_parameters_copy(ap, src_audio)
                                  : avcodec_parameters_from_context(ap, a->aenc[a->rung_aenc[i]].c);
    if (ret >= 0)
        ret = seg_set_streams(&a->segs[i], a->has_video ? vp : NULL, a->has_audio ? ap : NULL);
    avcodec_parameters_free(&vp);
    avcodec_parameters_free(&ap);
    return ret;
}

int abr_open_input(struct abr *a, const struct input *in, char *err, size_t errlen)
{
    int ret;
    if (in->vidx >= 0 && (!a->enc_ready || a->has_video)) {
        if (!(a->vdec = open_decoder(in->ic->streams[in->vidx], in->ic, err, errlen)))
            return AVERROR(EINVAL);
        if (a->vdec->width <= 0 || a->vdec->height <= 0 || a->vdec->pix_fmt == AV_PIX_FMT_NONE) {
            snprintf(err, errlen, "video stream without size or pixel format");
            return AVERROR_INVALIDDATA;
        }
        if ((ret = build_video_graph(a, a->vdec->width, a->vdec->height, a->vdec->pix_fmt,
                                     a->vdec->sample_aspect_ratio, err, errlen)) < 0)
            return ret;
    }
    const AVCodecParameters *src_audio = in->aidx >= 0 ? in->ic->streams[in->aidx]->codecpar : NULL;
    if (a->copies_audio && src_audio && !ts_audio_ok(src_audio->codec_id)) {
        snprintf(err, errlen, "audio_codec copy: %s audio cannot be carried in MPEG-TS HLS segments",
                 avcodec_get_name(src_audio->codec_id));
        return AVERROR(EINVAL);
    }
    if (in->aidx >= 0 && a->encodes_audio && (!a->enc_ready || a->has_audio)) {
        if (!(a->adec = open_decoder(in->ic->streams[in->aidx], in->ic, err, errlen)))
            return AVERROR(EINVAL);
        if (a->adec->sample_rate <= 0 || a->adec->sample_fmt == AV_SAMPLE_FMT_NONE) {
            snprintf(err, errlen, "audio stream without sample rate or format");
            return AVERROR_INVALIDDATA;
        }
        if ((ret = build_audio_graph(a, a->adec->sample_rate, a->adec->sample_fmt, &a->adec->ch_layout, err, errlen)) < 0)
            return ret;
    }
    if (a->enc_ready) {
        for (int i = 0; i < a->n && a->has_audio && src_audio; i++)
            if (a->rung_aenc[i] < 0 && (ret = set_rung_streams(a, i, src_audio)) < 0)
                return ret;
        return 0;
    }
    a->has_video = a->vdec != NULL;
    a->has_audio = a->adec != NULL || (a->copies_audio && src_audio);
    if ((a->has_video && (ret = open_video_encoders(a, err, errlen)) < 0) ||
        (a->has_audio && (ret = open_audio_encoders(a, err, errlen)) < 0))
        return ret;
    for (int i = 0; i < a->n; i++) {
        if ((ret = set_rung_streams(a, i, src_audio)) < 0) {
            snprintf(err, errlen, "segmenter streams: %s", av_err2str(ret));
            return ret;
        }
    }
    a->enc_ready = 1;
    return 0;
}

static void aq_flush_until(struct abr *a, int i, int64_t dts)
{
    struct pktq *q = &a->aq[i];
    while (q->n && q->p[q->head]->dts <= dts) {
        seg_write(&a->segs[i], q->p[q->head]);
        av_packet_unref(q->p[q->head]);
        q->head = (q->head + 1) % AQ_CAP;
        q->n--;
    }
}

static void aq_push(struct abr *a, int i, const AVPacket *pkt)
{
    struct pktq *q = &a->aq[i];
    if (q->n == AQ_CAP) /* video stalled: let the oldest audio through */
        aq_flush_until(a, i, q->p[q->head]->dts);
    if (av_packet_ref(q->p[(q->head + q->n) % AQ_CAP], pkt) >= 0)
        q->n++;
}

static void aq_clear(struct abr *a, int i)
{
    struct pktq *q = &a->aq[i];
    for (; q->n; q->n--, q->head = (q->head + 1) % AQ_CAP)
        av_packet_unref(q->p[q->head]);
}

/* Moves every packet the encoder has ready into the segmenter(s). */
static int drain_video_encoder(struct abr *a, int i)
{
    int ret;
    while ((ret = avcodec_receive_packet(a->venc[i], a->pkt)) >= 0) {
        if (!a->pkt->duration)
            a->pkt->duration = a->frame_dur;
        a->pkt->stream_index = 0;
        aq_flush_until(a, i, a->pkt->dts);
        seg_write(&a->segs[i], a->pkt);
        if (i == 0) {
            status_add_frames(1);
            status_media_time(a->pkt->dts);
        }
        av_packet_unref(a->pkt);
    }
    return ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : ret;
}

/* Audio packet (1/90000) to every rung whose encoder is k (-1: copy rungs). */
static void audio_to_rungs(struct abr *a, int k, AVPacket *pkt)
{
    pkt->stream_index = a->has_video ? 1 : 0;
    for (int i = 0; i < a->n; i++) {
        if (a->rung_aenc[i] != k)
            continue;
        if (a->has_video)
            aq_push(a, i, pkt);
        else
            seg_write(&a->segs[i], pkt);
    }
}

static int drain_audio_encoder(struct abr *a, int k)
{
    int ret;
    while ((ret = avcodec_receive_packet(a->aenc[k].c, a->pkt)) >= 0) {
        av_packet_rescale_ts(a->pkt, a->aenc[k].c->time_base, tb90k);
        audio_to_rungs(a, k, a->pkt);
        if (!a->has_video && k == 0)
            status_media_time(a->pkt->dts);
        av_packet_unref(a->pkt);
    }
    return ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : ret;
}

static void drain_cb(void *ctx)
{
    struct abr *a = ctx;
    drain_audio_encoder(a, a->drain_k);
}

/* Pulls scaled frames for every rung and encodes them. */
static void pull_video(struct abr *a)
{
    for (int i = 0; i < a->n; i++) {
        while (av_buffersink_get_frame(a->vsink[i], a->filt) >= 0) {
            AVFrame *f = a->filt;
            AVCodecContext *c = a->venc[i];
            if (f->pts == AV_NOPTS_VALUE || f->pts <= a->last_vpts[i] || f->width != c->width ||
                f->height != c->height || f->format != c->pix_fmt) {
                /* Out-of-order or resized frames would break the encoder; a
                 * new source of another size keeps the first one's rungs. */
                av_frame_unref(f);
                continue;
            }
            a->last_vpts[i] = f->pts;
            /* Keyframes on one time grid: every rung cuts at the same pts. */
            if (a->next_kf[i] == INT64_MIN || f->pts >= a->next_kf[i] - (a->frame_dur / 2)) {
                f->pict_type = AV_PICTURE_TYPE_I;
                if (a->next_kf[i] == INT64_MIN || f->pts - a->next_kf[i] > a->segs[i].target)
                    a->next_kf[i] = f->pts; /* re-grid after a gap */
                while (a->next_kf[i] <= f->pts + (a->frame_dur / 2))
                    a->next_kf[i] += a->segs[i].target;
            } else {
                f->pict_type = AV_PICTURE_TYPE_NONE;
            }
            int ret = avcodec_send_frame(c, f);
            av_frame_unref(f);
            if (ret < 0 || drain_video_encoder(a, i) < 0)
                status_set_error("encode %s: %s", a->args->rungs[i].name, av_err2str(ret));
        }
    }
}

static void pull_audio(struct abr *a)
{
    while (av_buffersink_get_frame(a->asink, a->filt) >= 0) {
        AVFrame *f = a->filt;
        if (f->pts != AV_NOPTS_VALUE)
            f->pts = av_rescale_q(f->pts, av_buffersink_get_time_base(a->asink), (AVRational){1, 48000});
        /* Audio across a splice or format change may overlap what was already
         * encoded: a frame wholly inside it is dropped, a partial overlap
         * starts right after, so the encoders see strictly increasing time. */
        if (f->pts != AV_NOPTS_VALUE && a->next_apts != AV_NOPTS_VALUE && f->pts < a->next_apts) {
            if (f->pts + f->nb_samples <= a->next_apts) {
                av_frame_unref(f);
                continue;
            }
            f->pts = a->next_apts;
        }
        if (f->pts != AV_NOPTS_VALUE)
            a->next_apts = f->pts + f->nb_samples;
        for (a->drain_k = 0; a->drain_k < a->nb_aenc; a->drain_k++)
            aenc_send(&a->aenc[a->drain_k], f, drain_cb, a);
        av_frame_unref(f);
    }
}

/* A decoded frame differs from what the video buffer source was built with:
 * drain the old graph (its frames still get encoded), then build a new one
 * for exactly this frame. The encoders keep their size (scale + pad). */
static int rebuild_video(struct abr *a, const AVFrame *f)
{
    char err[256];
    if (a->vsrc && av_buffersrc_add_frame_flags(a->vsrc, NULL, 0) >= 0)
        pull_video(a);
    avfilter_graph_free(&a->vgraph);
    a->vsrc = NULL;
    memset(a->vsink, 0, sizeof a->vsink);
    a->vrebuilds++;
    fprintf(stderr, "xtream-worker: video changed to %dx%d %s: filter graph rebuilt\n", f->width, f->height,
            av_get_pix_fmt_name(f->format) ? av_get_pix_fmt_name(f->format) : "?");
    int ret = build_video_graph(a, f->width, f->height, f->format, f->sample_aspect_ratio, err, sizeof err);
    if (ret < 0) {
        status_set_error("%s", err);
        avfilter_graph_free(&a->vgraph);
        a->vsrc = NULL;
        memset(a->vsink, 0, sizeof a->vsink);
    }
    return ret;
}

static int rebuild_audio(struct abr *a, const AVFrame *f)
{
    char err[256], layout[128];
    if (a->asrc && av_buffersrc_add_frame_flags(a->asrc, NULL, 0) >= 0)
        pull_audio(a);
    avfilter_graph_free(&a->agraph);
    a->asrc = a->asink = NULL;
    a->arebuilds++;
    av_channel_layout_describe(&f->ch_layout, layout, sizeof layout);
    fprintf(stderr, "xtream-worker: audio changed to %d Hz %s %s: filter graph rebuilt\n", f->sample_rate,
            av_get_sample_fmt_name(f->format) ? av_get_sample_fmt_name(f->format) : "?", layout);
    int ret = build_audio_graph(a, f->sample_rate, f->format, &f->ch_layout, err, sizeof err);
    if (ret < 0) {
        status_set_error("%s", err);
        avfilter_graph_free(&a->agraph);
        a->asrc = a->asink = NULL;
    }
    return ret;
}

/* Decodes what the decoder has ready and pushes it through the graph. */
static void decode_ready(struct abr *a, int is_video)
{
    AVCodecContext *d = is_video ? a->vdec : a->adec;
    while (avcodec_receive_frame(d, a->frame) >= 0) {
        AVFrame *f = a->frame;
        f->pts = f->best_effort_timestamp;
        if (f->pts == AV_NOPTS_VALUE || (is_video && (f->width <= 0 || f->height <= 0)) ||
            (!is_video && f->sample_rate <= 0)) {
            av_frame_unref(f);
            continue;
        }
        if (is_video) {
            if ((f->width != a->src_w || f->height != a->src_h || f->format != a->src_fmt || !a->vsrc) &&
                rebuild_video(a, f) < 0) {
                av_frame_unref(f);
                continue;
            }
            if (av_buffersrc_add_frame_flags(a->vsrc, f, 0) >= 0)
                pull_video(a);
        } else {
            normalize_layout(&f->ch_layout);
            if ((f->sample_rate != a->asrc_rate || f->format != a->asrc_fmt || !a->asrc ||
                 av_channel_layout_compare(&f->ch_layout, &a->asrc_layout)) && rebuild_audio(a, f) < 0) {
                av_frame_unref(f);
                continue;
            }
            if (av_buffersrc_add_frame_flags(a->asrc, f, 0) >= 0)
                pull_audio(a);
        }
        av_frame_unref(f);
    }
}

int abr_packet(struct abr *a, AVPacket *pkt, int is_video)
{
    if (!is_video && a->copies_audio && a->has_audio && pkt->pts != AV_NOPTS_VALUE) {
        AVPacket *c = av_packet_clone(pkt);
        if (c) {
            audio_to_rungs(a, -1, c);
            av_packet_free(&c);
        }
    }
    AVCodecContext *d = is_video ? a->vdec : a->adec;
    if (!d)
        return 0;
    int ret = avcodec_send_packet(d, pkt);
    if (ret < 0 && ret != AVERROR(EAGAIN))
        return 0; /* a corrupt packet is skipped, not fatal */
    decode_ready(a, is_video);
    return 0;
}

void abr_close_input(struct abr *a)
{
    /* Frames still inside the decoders belong to this input's last moments. */
    if (a->vdec && avcodec_send_packet(a->vdec, NULL) >= 0)
        decode_ready(a, 1);
    if (a->adec && avcodec_send_packet(a->adec, NULL) >= 0)
        decode_ready(a, 0);
    /* ... and so do the frames still inside the filter graphs. */
    if (a->vsrc && av_buffersrc_add_frame_flags(a->vsrc, NULL, 0) >= 0)
        pull_video(a);
    if (a->asrc && av_buffersrc_add_frame_flags(a->asrc, NULL, 0) >= 0)
        pull_audio(a);
    avcodec_free_context(&a->vdec);
    avcodec_free_context(&a->adec);
    free_graphs(a);
}

void abr_finish(struct abr *a, int drain)
{
    if (drain && a->enc_ready) {
        for (a->drain_k = 0; a->drain_k < a->nb_aenc; a->drain_k++)
            aenc_send(&a->aenc[a->drain_k], NULL, drain_cb, a);
        for (int i = 0; i < a->n && a->has_video; i++)
            if (avcodec_send_frame(a->venc[i], NULL) >= 0)
                drain_video_encoder(a, i);
        for (int i = 0; i < a->n; i++)
            aq_flush_until(a, i, INT64_MAX);
    }
    for (int i = 0; i < a->n; i++)
        aq_clear(a, i);
}

void abr_variant(const struct abr *a, int i, int *w, int *h, int64_t *bandwidth)
{
    const struct xtw_rung *r = &a->args->rungs[i];
    *w = a->has_video && a->venc[i] ? a->venc[i]->width : 0;
    *h = a->has_video && a->venc[i] ? a->venc[i]->height : 0;
    /* Peak, as HLS wants: the rate cap plus audio and TS overhead. */
    *bandwidth = ((a->has_video ? (int64_t)r->video_kbps * 11 / 10 : 0) + (a->has_audio ? r->audio_kbps : 0)) * 1000 * 21 / 20;
}

void abr_free(struct abr *a)
{
    if (!a)
        return;
    avcodec_free_context(&a->vdec); /* no drain: we are stopping */
    avcodec_free_context(&a->adec);
    free_graphs(a);
    av_channel_layout_uninit(&a->asrc_layout);
    for (int i = 0; i < a->n; i++) {
        avcodec_free_context(&a->venc[i]);
        aq_clear(a, i);
        for (int k = 0; k < AQ_CAP; k++)
            av_packet_free(&a->aq[i].p[k]);
    }
    for (int k = 0; k < a->nb_aenc; k++)
        aenc_free(&a->aenc[k]);
    av_frame_free(&a->frame);
    av_frame_free(&a->filt);
    av_packet_free(&a->pkt);
    av_free(a);
}

#include "segmenter.h"
#include "archive.h"
#include "codec_string.h"
#include "status.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define SEG_CUT_TOLERANCE (90000 / 10) /* a keyframe 0.1 s early still cuts */
#define SEG_KEEP_EXTRA 2               /* segments kept beyond the playlist */
static const AVRational tb90k = {1, 90000};

static int64_t wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int ensure_dir(const char *path)
{
    if (mkdir(path, 0755) && errno != EEXIST)
        return -1;
    struct stat sb;
    return (stat(path, &sb) || !S_ISDIR(sb.st_mode)) ? -1 : 0;
}

/* Returns seq if name is "<digits>.ts" (or with suffix ".ts.tmp" when tmp). */
static int64_t seq_of(const char *name, int *is_tmp)
{
    int64_t v = 0;
    const char *p = name;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (1LL << 50))
            return -1;
        v = v * 10 + (*p - '0');
    }
    *is_tmp = !strcmp(p, ".ts.tmp");
    if (*is_tmp || !strcmp(p, ".ts"))
        return v;
    return -1;
}

static void unlink_seq(struct segmenter *s, int64_t seq)
{
    char path[SEG_PATH_MAX];
    if (seq >= 0 && snprintf(path, sizeof path, "%s/%lld.ts", s->dir, (long long)seq) < (int)sizeof path)
        unlink(path);
}

/* Drops the reloaded entries up to the last one whose file is missing, so
 * the playlist keeps a contiguous run of segments that exist. */
static void drop_missing(struct segmenter *s)
{
    int first = 0;
    for (int i = 0; i < s->pl.n; i++) {
        char path[SEG_PATH_MAX];
        struct stat sb;
        if (snprintf(path, sizeof path, "%s/%lld.ts", s->dir, (long long)s->pl.e[i].seq) >= (int)sizeof path ||
            stat(path, &sb))
            first = i + 1;
    }
    for (int i = 0; i < first; i++)
        if (s->pl.e[i].disc)
            s->pl.disc_seq++; /* as if they had left the window */
    memmove(&s->pl.e[0], &s->pl.e[first], sizeof s->pl.e[0] * (size_t)(s->pl.n - first));
    s->pl.n -= first;
}

int seg_init(struct segmenter *s, const char *outdir, int index, int seg_seconds, int window)
{
    memset(s, 0, sizeof *s);
    s->index = index;
    s->target = (int64_t)seg_seconds * 90000;
    s->last_dts[0] = s->last_dts[1] = INT64_MIN;
    tscc_init(&s->cc);
    pl_init(&s->pl, window, seg_seconds);
    if (snprintf(s->dir, sizeof s->dir, "%s/%d", outdir, index) >= (int)sizeof s->dir ||
        snprintf(s->playlist_path, sizeof s->playlist_path, "%s/index.m3u8", s->dir) >= (int)sizeof s->playlist_path)
        return -1;
    if (ensure_dir(s->dir))
        return -1;
    if (!(s->tmp = av_packet_alloc()))
        return -1;

    /* Continue after the last segment of an earlier run (also beyond any
     * segment file the playlist never listed, e.g. after kill -9). */
    int64_t max_seq = -1;
    if (pl_load(&s->pl, s->playlist_path) == 0 && s->pl.n) {
        max_seq = s->pl.e[s->pl.n - 1].seq;
        const struct pl_entry *last = &s->pl.e[s->pl.n - 1];
        s->resume_end_ms = last->pdt_ms + (int64_t)(last->duration * 1000);
        drop_missing(s);
    } else {
        pl_init(&s->pl, window, seg_seconds);
    }
    DIR *d = opendir(s->dir);
    if (!d)
        return -1;
    struct dirent *de;
    int have_pl = s->pl.n > 0;
    int64_t keep_from = have_pl ? s->pl.e[0].seq - SEG_KEEP_EXTRA : 0;
    while ((de = readdir(d))) {
        int tmp;
        int64_t q = seq_of(de->d_name, &tmp);
        if (q < 0)
            continue;
        char path[SEG_PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", s->dir, de->d_name) >= (int)sizeof path)
            continue;
        if (q > max_seq && !tmp)
            max_seq = q; /* a .tmp was never published: its number is free */
        if (tmp || !have_pl || q < keep_from)
            unlink(path); /* partial, or not referenced by the playlist */
    }
    closedir(d);
    /* The playlist on disk now names exactly the segments kept (the window
     * may have shrunk, files may be gone): a viewer arriving before our
     * first segment never gets a name we deleted. */
    if (have_pl ? pl_write(&s->pl, s->playlist_path) : (unlink(s->playlist_path) && errno != ENOENT))
        return -1;
    s->next_seq = max_seq + 1;
    s->pending_disc = max_seq >= 0;
    return 0;
}

static int par_equal(const AVCodecParameters *a, const AVCodecParameters *b)
{
    if (!a || !b)
        return a == b;
    return a->codec_id == b->codec_id && a->width == b->width && a->height == b->height &&
           a->sample_rate == b->sample_rate && a->ch_layout.nb_channels == b->ch_layout.nb_channels &&
           a->extradata_size == b->extradata_size &&
           (!a->extradata_size || !memcmp(a->extradata, b->extradata, a->extradata_size));
}

int seg_set_streams(struct segmenter *s, const AVCodecParameters *video, const AVCodecParameters *audio)
{
    const AVCodecParameters *want[2] = {video ? video : audio, video ? audio : NULL};
    int n = (want[0] != NULL) + (want[1] != NULL);
    if (n == s->nb_streams && s->has_video == (video != NULL) &&
        par_equal(s->par[0], want[0]) && par_equal(s->par[1], want[1]))
        return 0;
    int had = s->nb_streams;
    seg_close(s);
    for (int i = 0; i < 2; i++) {
        avcodec_parameters_free(&s->par[i]);
        if (want[i]) {
            if (!(s->par[i] = avcodec_parameters_alloc()) || avcodec_parameters_copy(s->par[i], want[i]) < 0)
                return -1;
            s->par[i]->codec_tag = 0;
        }
    }
    s->nb_streams = n;
    s->has_video = video != NULL;
    s->codecs_known = 0;
    if (had)
        s->pending_disc = 1;
    return 0;
}

static void abort_segment(struct segmenter *s)
{
    if (!s->oc)
        return;
    tscc_close(&s->cc, &s->oc->pb);
    avformat_free_context(s->oc);
    s->oc = NULL;
    unlink(s->tmp_path);
    s->pending_disc = 1; /* its packets advanced the counters: flag the gap */
}

static int open_segment(struct segmenter *s, int64_t start)
{
    const AVOutputFormat *fmt = av_guess_format("mpegts", NULL, NULL);
    int ret;
    if (snprintf(s->final_path, sizeof s->final_path, "%s/%lld.ts", s->dir, (long long)s->next_seq) >= (int)sizeof s->final_path ||
        snprintf(s->tmp_path, sizeof s->tmp_path, "%s.tmp", s->final_path) >= (int)sizeof s->tmp_path)
        return AVERROR(ENAMETOOLONG);
    if ((ret = avformat_alloc_output_context2(&s->oc, fmt, NULL, NULL)) < 0)
        return ret;
    for (int i = 0; i < s->nb_streams; i++) {
        AVStream *st = avformat_new_stream(s->oc, NULL);
        if (!st || (ret = avcodec_parameters_copy(st->codecpar, s->par[i])) < 0) {
            abort_segment(s);
            return st ? ret : AVERROR(ENOMEM);
        }
        st->time_base = tb90k;
    }
    s->oc->max_delay = 700000; /* as the CLI's -muxdelay 0.7: fewer, larger PES */
    AVDictionary *opts = NULL;
    if (s->pending_disc) {
        /* first packet of every PID flagged: the muxer does the PES PIDs,
         * tscc the sections (and any PID the muxer leaves out) */
        tscc_mark_discontinuity(&s->cc);
        av_dict_set(&opts, "mpegts_flags", "+initial_discontinuity", 0);
    }
    if (!(s->oc->pb = tscc_open(&s->cc, s->tmp_path)))
        ret = AVERROR(errno);
    else
        ret = avformat_write_header(s->oc, &opts);
    av_dict_free(&opts);
    if (ret < 0) {
        abort_segment(s);
        return ret;
    }
    s->seg_start = start;
    s->seg_end = start;
    if (!s->have_anchor) {
        /* PDT: wall clock at the first segment of this run, never before the
         * end of the previous run's last segment; then media time. */
        int64_t now = wall_ms();
        s->anchor_ms = now > s->resume_end_ms ? now : s->resume_end_ms;
        s->anchor_ts = start;
        s->have_anchor = 1;
    }
    return 0;
}

/* Finishes the open segment, ending at pts end (90 kHz). */
static int finish_segment(struct segmenter *s, int64_t end)
{
    if (!s->oc)
        return 0;
    int ret = av_write_trailer(s->oc);
    int cret = tscc_close(&s->cc, &s->oc->pb);
    int64_t bytes = s->cc.bytes;
    if (ret >= 0)
        ret = cret;
    if (ret < 0) {
        status_set_error("segment %s: %s", s->final_path, av_err2str(ret));
        abort_segment(s);
        return ret;
    }
    avformat_free_context(s->oc);
    s->oc = NULL;
    if (rename(s->tmp_path, s->final_path)) {
        status_set_error("rename %s: %s", s->tmp_path, strerror(errno));
        unlink(s->tmp_path);
        return -1;
    }
    double dur = (end - s->seg_start) / 90000.0;
    if (dur <= 0)
        dur = 0.001;
    int64_t bps = (int64_t)(bytes * 8 / dur);
    if (bps > s->peak_bps)
        s->peak_bps = bps;
    struct pl_entry e = {
        .seq = s->next_seq,
        .duration = dur,
        .pdt_ms = s->anchor_ms + (s->seg_start - s->anchor_ts) / 90,
        .disc = s->pending_disc,
    };
    if (s->archive_dir && arch_add(s->archive_dir, s->final_path, e.pdt_ms,
                                   (int64_t)(dur * 1000 + 0.5), e.disc))
        status_set_error("archive %s: %s", s->archive_dir, strerror(errno));
    int64_t evicted;
    pl_push(&s->pl, &e, &evicted);
    if (evicted >= 0)
        unlink_seq(s, evicted - SEG_KEEP_EXTRA);
    s->pending_disc = 0;
    s->next_seq++;
    s->done_this_run++;
    if (s->index == 0)
        status_segment_done();
    if (pl_write(&s->pl, s->playlist_path)) {
        status_set_error("playlist %s: %s", s->playlist_path, strerror(errno));
        return -1;
    }
    return 0;
}

int seg_close(struct segmenter *s)
{
    return finish_segment(s, s->seg_end);
}

int seg_mark_discontinuity(struct segmenter *s)
{
    int ret = seg_close(s);
    s->pending_disc = 1;
    return ret;
}

static void learn_codecs(struct segmenter *s, const AVPacket *pkt)
{
    char v[32] = "", a[32] = "";
    if (s->has_video && codec_string(s->par[0], pkt, v, sizeof v))
        return; /* unknown video: omit CODECS */
    const AVCodecParameters *ap = s->has_video ? s->par[1] : s->par[0];
    if (ap && codec_string(ap, NULL, a, sizeof a))
        return;
    snprintf(s->codecs, sizeof s->codecs, "%s%s%s", v, (v[0] && a[0]) ? "," : "", a);
    s->codecs_known = 1;
}

int seg_write(struct segmenter *s, const AVPacket *pkt)
{
    int slot = pkt->stream_index;
    if (slot < 0 || slot >= s->nb_streams || pkt->pts == AV_NOPTS_VALUE || pkt->dts == AV_NOPTS_VALUE)
        return 0;
    int is_video = s->has_video && slot == 0;
    int cut_point = s->has_video ? (is_video && (pkt->flags & AV_PKT_FLAG_KEY)) : 1;
    int ret;

    /* Audio only: every packet may cut, so no early tolerance is needed. */
    int64_t tol = s->has_video ? SEG_CUT_TOLERANCE : 0;
    if (s->oc && cut_point && pkt->pts - s->seg_start >= s->target - tol)
        if ((ret = finish_segment(s, pkt->pts)) < 0)
            return ret;
    if (!s->oc) {
        if (!cut_point)
            return 0; /* every segment starts with a keyframe */
        if (!s->codecs_known && is_video)
            learn_codecs(s, pkt);
        else if (!s->codecs_known && !s->has_video)
            learn_codecs(s, NULL);
        if ((ret = open_segment(s, pkt->pts)) < 0) {
            status_set_error("open segment %s: %s", s->tmp_path, av_err2str(ret));
            return ret;
        }
    }
    /* Last line of defence for the muxer's strictly increasing DTS. */
    int64_t dts = pkt->dts, pts = pkt->pts;
    if (s->last_dts[slot] != INT64_MIN && dts <= s->last_dts[slot]) {
        int64_t shift = s->last_dts[slot] + 1 - dts;
        dts += shift;
        pts += shift;
    }
    s->last_dts[slot] = dts;
    if (pts < dts)
        pts = dts;
    if ((ret = av_packet_ref(s->tmp, pkt)) < 0)
        return ret;
    s->tmp->pts = pts;
    s->tmp->dts = dts;
    s->tmp->pos = -1;
    int64_t end = pts + (pkt->duration > 0 ? pkt->duration : 0);
    if (end > s->seg_end)
        s->seg_end = end;
    av_packet_rescale_ts(s->tmp, tb90k, s->oc->streams[slot]->time_base);
    ret = av_interleaved_write_frame(s->oc, s->tmp); /* takes the reference */
    av_packet_unref(s->tmp);
    if (ret < 0) {
        status_set_error("write %s: %s", s->tmp_path, av_err2str(ret));
        abort_segment(s);
        return ret;
    }
    return 0;
}

void seg_free(struct segmenter *s)
{
    abort_segment(s);
    for (int i = 0; i < 2; i++)
        avcodec_parameters_free(&s->par[i]);
    av_packet_free(&s->tmp);
}

/* xtream-worker: reads one channel from its sources (backups in turn) and
 * writes HLS under --output, in copy or ABR mode. See README.md. */
#include "args.h"
#include "control.h"
#include "copy.h"
#include "input.h"
#include "pace.h"
#include "reason.h"
#include "segmenter.h"
#include "status.h"
#include "timeline.h"
#include "transcode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 5000 /* a source that comes back is used within this */
static const AVRational tb90k = {1, 90000};

struct worker {
    struct xtw_args args;
    struct segmenter segs[XTW_MAX_RUNGS];
    int nb_segs;
    struct abr *abr;
    struct timeline tl;
    AVPacket *pkt;
    int master_written;
    struct xtw_pace pace;
    int64_t pace_lead_us;               /* for the current input, 0 = none */
};

static void log_msg(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "xtream-worker: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static void write_master_if_ready(struct worker *w)
{
    if (w->master_written)
        return;
    struct pl_variant v[XTW_MAX_RUNGS];
    memset(v, 0, sizeof v);
    for (int i = 0; i < w->nb_segs; i++) {
        struct segmenter *s = &w->segs[i];
        if (!s->done_this_run)
            return; /* wait until every variant has a segment */
        snprintf(v[i].codecs, sizeof v[i].codecs, "%s", s->codecs);
        if (w->abr) {
            abr_variant(w->abr, i, &v[i].width, &v[i].height, &v[i].bandwidth);
        } else {
            v[i].width = s->has_video ? s->par[0]->width : 0;
            v[i].height = s->has_video ? s->par[0]->height : 0;
            v[i].bandwidth = s->peak_bps * 11 / 10;
        }
    }
    char path[SEG_PATH_MAX];
    snprintf(path, sizeof path, "%s/master.m3u8", w->args.output);
    if (pl_write_master(path, v, w->nb_segs))
        status_set_error("master playlist: %s", strerror(errno));
    else
        w->master_written = 1;
}

/* How far the current input may run ahead of the wall clock (0: unpaced).
 * auto: a file-like input is paced closely; any other one only when it runs
 * away (a live source never gets that far ahead, so it is never held). */
static int64_t pace_lead(const struct xtw_args *a, const struct input *in)
{
    if (a->rate == XTW_RATE_OFF)
        return 0;
    if (a->rate == XTW_RATE_ON || in->finite)
        return XTW_PACE_LEAD_US;
    return XTW_PACE_LIVE_LEAD_US;
}

static void handle_packet(struct worker *w, const struct input *in, AVPacket *pkt)
{
    int is_video = pkt->stream_index == in->vidx;
    int slot = is_video ? 0 : 1;
    AVStream *st = in->ic->streams[pkt->stream_index];
    status_add_bytes(pkt->size);
    if (!pkt->duration) {
        /* Demuxed TS video and x264 output carry no duration; the muxer and
         * the timeline need one. */
        if (is_video && st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0)
            pkt->duration = av_rescale_q(1, av_inv_q(st->avg_frame_rate), st->time_base);
        else if (!is_video && st->codecpar->frame_size > 0 && st->codecpar->sample_rate > 0)
            pkt->duration = av_rescale_q(st->codecpar->frame_size, (AVRational){1, st->codecpar->sample_rate}, st->time_base);
    }
    av_packet_rescale_ts(pkt, st->time_base, tb90k);
    if (tl_map(&w->tl, pkt, slot) < 0)
        return;
    if (w->pace_lead_us)
        xtw_pace_wait(&w->pace, av_rescale(pkt->dts, 1000000, 90000), w->pace_lead_us);
    if (w->abr) {
        abr_packet(w->abr, pkt, is_video);
    } else {
        pkt->stream_index = (is_video || in->vidx < 0) ? 0 : 1;
        copy_packet(&w->segs[0], pkt, is_video);
    }
    write_master_if_ready(w);
}

/* Reads one opened input until it ends, fails or we are asked to stop.
 * Returns 1 on a clean end of a file, 0 on failure/stop; *got counts packets. */
static int read_input(struct worker *w, struct input *in, int64_t *got, char *err, size_t errlen)
{
    for (;;) {
        if (ctl_stopping())
            return 0;
        ctl_arm(w->args.rw_timeout_ms);
        int ret = av_read_frame(in->ic, w->pkt);
        ctl_disarm();
        if (ret < 0) {
            if (ctl_stopping())
                return 0;
            if (ret == AVERROR_EOF || (in->ic->pb && avio_feof(in->ic->pb) && !in->ic->pb->error)) {
                snprintf(err, errlen, "end of input");
                return 1;
            }
            xtw_reason(ret, in->ic->url ? in->ic->url : "", ctl_timed_out(), err, errlen);
            return 0;
        }
        if (w->pkt->stream_index == in->vidx || w->pkt->stream_index == in->aidx) {
            (*got)++;
            if (*got == 1) {
                status_set_state("running");
                status_set_error("%s", ""); /* this source works: old reasons go */
                status_emit();
            }
            handle_packet(w, in, w->pkt);
        }
        av_packet_unref(w->pkt);
        status_tick();
    }
}

static int run(struct worker *w)
{
    const struct xtw_args *a = &w->args;
    int cur = 0, backoff = BACKOFF_MIN_MS;
    int failures = 0, max_failures = (a->retries + 1) * a->nb_inputs;
    int last_ok = -1; /* the input that last delivered packets */
    int relooping = 0;
    char err[512];
    int finished = 0;

    while (!ctl_stopping() && !finished) {
        struct input in;
        const char *url = a->inputs[cur];
        int64_t got = 0;
        int looped = 0;
        err[0] = 0;
        if (!relooping) /* a loop's reopen is no change of state */
            status_set_state("connecting");
        relooping = 0;
        int ret = input_open(&in, url, a->rw_timeout_ms, err, sizeof err);
        if (ret >= 0) {
            tl_reanchor(&w->tl);
            w->pace_lead_us = pace_lead(a, &in); /* the output timeline goes on: so does the anchor */
            /* copy mode splices another source's bytes: flag it (an ABR
             * worker's encoders carry on, its output stays continuous) */
            if (!w->abr && last_ok >= 0 && last_ok != cur)
                seg_mark_discontinuity(&w->segs[0]);
            ret = w->abr ? abr_open_input(w->abr, &in, err, sizeof err) : copy_open_input(&w->segs[0], &in);
            if (ret < 0 && !w->abr)
                snprintf(err, sizeof err, "segmenter: %s", av_err2str(ret));
            else if (ret < 0 && !err[0])
                xtw_reason(ret, url, 0, err, sizeof err);
            if (ret >= 0) {
                int eof = read_input(w, &in, &got, err, sizeof err);
                finished = eof && in.is_file && !a->loop;
                looped = eof && in.finite && a->loop && got;
            }
            if (w->abr)
                abr_close_input(w->abr);
            input_close(&in);
        }
        if (ctl_stopping() || finished)
            break;
        if (got) {
            last_ok = cur;
            failures = 0;
            backoff = BACKOFF_MIN_MS;
            if (looped) { /* loop: same file again, the timeline continues */
                relooping = 1;
                continue;
            }
        } else {
            failures++;
        }
        if (a->nb_inputs > 1)
            status_set_error("source %d: %s", cur + 1, err);
        else
            status_set_error("%s", err);
        log_msg("input %s: %s", url, err);
        if (failures >= max_failures) {
            status_set_state("failed");
            status_emit();
            log_msg("giving up after %s failed attempts%s", failures == 1 ? "1" : "several", "");
            return 1;
        }
        status_set_state("reconnecting");
        status_emit();
        if (!got || !in.is_file)
            cur = (cur + 1) % a->nb_inputs; /* backup sources in turn */
        if (failures) {
            ctl_sleep_ms(backoff);
            backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
        }
    }
    if (w->abr)
        abr_finish(w->abr, finished); /* SIGTERM: drop what is in flight */
    for (int i = 0; i < w->nb_segs; i++)
        seg_close(&w->segs[i]);
    write_master_if_ready(w);
    return 0;
}

int main(int argc, char **argv)
{
    static struct worker w;
    char err[512];
    if (xtw_args_parse(&w.args, argc, argv, err, sizeof err)) {
        fprintf(stderr, "xtream-worker: %s\n", err);
        xtw_usage(stderr);
        return 2;
    }
    ctl_install_signals();
    status_init(w.args.status_fd);
    av_log_set_level(AV_LOG_ERROR);
    if (mkdir(w.args.output, 0755) && errno != EEXIST) {
        fprintf(stderr, "xtream-worker: --output %s: %s\n", w.args.output, strerror(errno));
        return 1;
    }
    int rc = 1;
    w.nb_segs = w.args.mode == XTW_ABR ? w.args.nb_rungs : 1;
    int64_t next_seq = 0;
    int disc = 0;
    for (int i = 0; i < w.nb_segs; i++) {
        if (seg_init(&w.segs[i], w.args.output, i, w.args.segment_seconds, w.args.window)) {
            fprintf(stderr, "xtream-worker: cannot prepare %s/%d: %s\n", w.args.output, i, strerror(errno));
            goto out;
        }
        if (i == 0)
            w.segs[i].archive_dir = w.args.archive;
        if (w.segs[i].next_seq > next_seq)
            next_seq = w.segs[i].next_seq;
        disc |= w.segs[i].pending_disc;
    }
    for (int i = 0; i < w.nb_segs; i++) { /* rungs share numbering */
        w.segs[i].next_seq = next_seq;
        w.segs[i].pending_disc = disc;
    }
    tl_init(&w.tl);
    if (!(w.pkt = av_packet_alloc()) || (w.args.mode == XTW_ABR && !(w.abr = abr_new(&w.args, w.segs)))) {
        fprintf(stderr, "xtream-worker: out of memory\n");
        goto out;
    }
    rc = run(&w);
    status_set_state(rc ? "failed" : "stopped");
    status_emit();
out:
    abr_free(w.abr);
    for (int i = 0; i < w.nb_segs; i++)
        seg_free(&w.segs[i]);
    av_packet_free(&w.pkt);
    return rc;
}

#include "input.h"
#include "control.h"

#include <stdio.h>
#include <string.h>

#define PROBE_BYTES "5000000"
#define ANALYZE_US "3000000"
#define PROBE_EXTRA_MS 3000

int input_is_file(const char *url)
{
    return !strstr(url, "://") || !strncmp(url, "file:", 5);
}

static int pick(AVFormatContext *ic, enum AVMediaType type)
{
    int i = av_find_best_stream(ic, type, -1, -1, NULL, 0);
    if (i >= 0 && (ic->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        return -1;
    return i < 0 ? -1 : i;
}

int input_open(struct input *in, const char *url, int rw_timeout_ms, char *err, size_t errlen)
{
    AVDictionary *opts = NULL;
    char us[32];
    int ret;

    memset(in, 0, sizeof *in);
    in->vidx = in->aidx = -1;
    in->is_file = input_is_file(url);
    if (!(in->ic = avformat_alloc_context())) {
        snprintf(err, errlen, "out of memory");
        return AVERROR(ENOMEM);
    }
    in->ic->interrupt_callback.callback = ctl_interrupt_cb;
    /* rw_timeout bounds every network read; never "timeout" (rtmp: listen). */
    snprintf(us, sizeof us, "%lld", (long long)rw_timeout_ms * 1000);
    av_dict_set(&opts, "rw_timeout", us, 0);
    av_dict_set(&opts, "probesize", PROBE_BYTES, 0);
    av_dict_set(&opts, "analyzeduration", ANALYZE_US, 0);
    ctl_arm(rw_timeout_ms);
    ret = avformat_open_input(&in->ic, url, NULL, &opts); /* frees ic on failure */
    av_dict_free(&opts);
    if (ret < 0) {
        snprintf(err, errlen, "open: %s%s", ctl_timed_out() ? "timed out: " : "", av_err2str(ret));
        ctl_disarm();
        return ret;
    }
    ctl_arm(rw_timeout_ms + PROBE_EXTRA_MS);
    ret = avformat_find_stream_info(in->ic, NULL);
    ctl_disarm();
    if (ret < 0) {
        snprintf(err, errlen, "probe: %s%s", ctl_timed_out() ? "timed out: " : "", av_err2str(ret));
        input_close(in);
        return ret;
    }
    in->vidx = pick(in->ic, AVMEDIA_TYPE_VIDEO);
    in->aidx = pick(in->ic, AVMEDIA_TYPE_AUDIO);
    if (in->vidx < 0 && in->aidx < 0) {
        snprintf(err, errlen, "no audio or video stream");
        input_close(in);
        return AVERROR_STREAM_NOT_FOUND;
    }
    for (unsigned i = 0; i < in->ic->nb_streams; i++)
        if ((int)i != in->vidx && (int)i != in->aidx)
            in->ic->streams[i]->discard = AVDISCARD_ALL; /* not demuxed */
    return 0;
}

void input_close(struct input *in)
{
    if (in->ic)
        avformat_close_input(&in->ic);
}

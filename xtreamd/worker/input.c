#include "input.h"
#include "control.h"
#include "reason.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PROBE_BYTES "5000000"
#define ANALYZE_US "3000000"
#define PROBE_EXTRA_MS 3000

int input_is_file(const char *url)
{
    return !strstr(url, "://") || !strncmp(url, "file:", 5);
}

/* "http", "udp", ... (lower case) of url, "" for a plain path. */
static void scheme_of(const char *url, char *out, size_t outlen)
{
    const char *e = strstr(url, "://");
    size_t n = e ? (size_t)(e - url) : 0;
    if (n >= outlen)
        n = 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(url[i] >= 'A' && url[i] <= 'Z' ? url[i] + 32 : url[i]);
    out[n] = 0;
}

/* An HLS playlist by its path (before any query): .m3u8 or .m3u. */
int input_is_hls(const char *url)
{
    size_t n = strcspn(url, "?#");
    return (n >= 5 && !strncasecmp(url + n - 5, ".m3u8", 5)) || (n >= 4 && !strncasecmp(url + n - 4, ".m3u", 4));
}

/* Protocol options. rw_timeout bounds every read for all
 * of them; "timeout" means "listen" for rtmp and is never set there. */
static void set_protocol_options(AVDictionary **o, const char *url, int rw_timeout_ms)
{
    char scheme[16], us[32];
    scheme_of(url, scheme, sizeof scheme);
    snprintf(us, sizeof us, "%lld", (long long)rw_timeout_ms * 1000);
    av_dict_set(o, "rw_timeout", us, 0);
    if (!strcmp(scheme, "http") || !strcmp(scheme, "https")) {
        av_dict_set(o, "timeout", us, 0);             /* socket I/O, µs */
        av_dict_set(o, "user_agent", "xtream-worker/1", 0);
        /* Resume a dropped transfer (with a Range request when the server
         * allows it). Never reconnect_at_eof: every HLS playlist fetch ends
         * in EOF, and a progressive source that ends is reopened by us. */
        av_dict_set(o, "reconnect", "1", 0);
        av_dict_set(o, "reconnect_on_network_error", "1", 0);
        av_dict_set(o, "reconnect_delay_max", "2", 0);
        if (input_is_hls(url)) {
            av_dict_set(o, "live_start_index", "-3", 0);
            av_dict_set(o, "http_persistent", "1", 0);
        } else {
            av_dict_set(o, "reconnect_streamed", "1", 0);
        }
    } else if (!strcmp(scheme, "udp")) {
        av_dict_set(o, "timeout", us, 0);             /* no data for this long: error */
        av_dict_set(o, "fifo_size", "57344", 0);      /* 188-byte units: ~10 MB */
        av_dict_set(o, "overrun_nonfatal", "1", 0);
        av_dict_set(o, "buffer_size", "4194304", 0);
        av_dict_set(o, "reuse", "1", 0);
    }
}

/* The HLS demuxer gives a duration only to a finished (VOD) playlist, and
 * its pb is the playlist, so only the duration counts there; elsewhere a
 * known duration or a body of known length means a file, not a live feed. */
static int input_finite(AVFormatContext *ic)
{
    int has_duration = ic->duration > 0 && ic->duration != AV_NOPTS_VALUE;
    if (!strcmp(ic->iformat->name, "hls"))
        return has_duration;
    return has_duration || (ic->pb && avio_size(ic->pb) > 0);
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
    int ret;

    memset(in, 0, sizeof *in);
    in->vidx = in->aidx = -1;
    in->is_file = input_is_file(url);
    if (!(in->ic = avformat_alloc_context())) {
        snprintf(err, errlen, "out of memory");
        return AVERROR(ENOMEM);
    }
    in->ic->interrupt_callback.callback = ctl_interrupt_cb;
    set_protocol_options(&opts, url, rw_timeout_ms);
    av_dict_set(&opts, "probesize", PROBE_BYTES, 0);
    av_dict_set(&opts, "analyzeduration", ANALYZE_US, 0);
    ctl_arm(rw_timeout_ms);
    ret = avformat_open_input(&in->ic, url, NULL, &opts); /* frees ic on failure */
    av_dict_free(&opts);
    if (ret < 0) {
        xtw_reason(ret, url, ctl_timed_out(), err, errlen);
        ctl_disarm();
        return ret;
    }
    /* Over the network the probe must not seek: lavf's duration estimate for
     * MPEG-TS reads the end of the file and then seeks back past its buffer,
     * two more fetches of the body per open. Hidden from it only while it
     * probes (the duration then comes from the bitrate). */
    int seekable = in->ic->pb ? in->ic->pb->seekable : 0;
    if (!in->is_file && in->ic->pb)
        in->ic->pb->seekable = 0;
    ctl_arm(rw_timeout_ms + PROBE_EXTRA_MS);
    ret = avformat_find_stream_info(in->ic, NULL);
    if (in->ic->pb)
        in->ic->pb->seekable = seekable;
    ctl_disarm();
    if (ret < 0) {
        xtw_reason(ret, url, ctl_timed_out(), err, errlen);
        input_close(in);
        return ret;
    }
    in->finite = in->is_file || input_finite(in->ic);
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

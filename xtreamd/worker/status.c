/* Health reporting. Writes never block: the descriptor is made non-blocking
 * and a line the supervisor cannot take right now is dropped. */
#include "status.h"
#include "control.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

static struct {
    int fd;
    const char *state;
    char error[512];
    int width, height;
    char vcodec[32], acodec[32];
    int64_t frames, bytes, segments;
    int64_t media_ts;          /* latest output ts, 90 kHz, or INT64_MIN */
    int64_t last_us, last_frames, last_bytes, last_media_ts;
} st = {.fd = -1, .state = "starting", .media_ts = INT64_MIN, .last_media_ts = INT64_MIN};

void status_init(int fd)
{
    st.fd = fd;
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
    st.last_us = ctl_now_us();
}

void status_set_state(const char *state) { st.state = state; }

void status_set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st.error, sizeof st.error, fmt, ap);
    va_end(ap);
}

void status_set_video(int width, int height, const char *codec)
{
    st.width = width < 0 || width > 65535 ? 0 : width;
    st.height = height < 0 || height > 65535 ? 0 : height;
    snprintf(st.vcodec, sizeof st.vcodec, "%s", codec ? codec : "");
}

void status_set_audio(const char *codec) { snprintf(st.acodec, sizeof st.acodec, "%s", codec ? codec : ""); }
void status_add_frames(int n) { st.frames += n; }
void status_add_bytes(int64_t n) { st.bytes += n; }
void status_media_time(int64_t ts) { st.media_ts = ts; }
void status_segment_done(void) { st.segments++; }
int64_t status_segments(void) { return st.segments; }

static void gen_fixed(yajl_gen g, double v, int decimals)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*f", decimals, v);
    yajl_gen_number(g, buf, (size_t)n);
}

static void gen_str(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* Keeps the line valid UTF-8 for yajl: replaces bytes >= 0x80 (error texts may
 * carry input bytes); yajl escapes quotes and control characters itself. */
static void ascii_copy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = (unsigned char)src[i] < 0x80 ? src[i] : '?';
    dst[i] = 0;
}

static double clampd(double v, double lo, double hi)
{
    return !(v >= lo) ? lo : v > hi ? hi : v; /* NaN -> lo */
}

void status_emit(void)
{
    int64_t now = ctl_now_us();
    double dt = (now - st.last_us) / 1e6;
    if (dt <= 0)
        dt = 1e-3;
    double fps = (st.frames - st.last_frames) / dt;
    double kbps = (st.bytes - st.last_bytes) * 8.0 / 1000.0 / dt;
    double speed = 0;
    if (st.media_ts != INT64_MIN && st.last_media_ts != INT64_MIN)
        speed = (st.media_ts - st.last_media_ts) / 90000.0 / dt;
    /* within the supervisor's bounds whatever the source does (a timeline
     * re-based backwards, a burst): a refused line would hide the state */
    fps = clampd(fps, 0, 9999);
    speed = clampd(speed, 0, 9999);
    kbps = clampd(kbps, 0, 9999999);
    st.last_us = now;
    st.last_frames = st.frames;
    st.last_bytes = st.bytes;
    st.last_media_ts = st.media_ts;
    if (st.fd < 0)
        return;

    char err[sizeof st.error];
    ascii_copy(err, st.error, sizeof err);
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g)
        return;
    yajl_gen_map_open(g);
    gen_str(g, "state"); gen_str(g, st.state);
    gen_str(g, "fps"); gen_fixed(g, fps, 2);
    gen_str(g, "bitrate_kbps"); yajl_gen_integer(g, (long long)(kbps + 0.5));
    gen_str(g, "speed"); gen_fixed(g, speed, 3);
    gen_str(g, "width"); yajl_gen_integer(g, st.width);
    gen_str(g, "height"); yajl_gen_integer(g, st.height);
    gen_str(g, "video_codec"); gen_str(g, st.vcodec);
    gen_str(g, "audio_codec"); gen_str(g, st.acodec);
    gen_str(g, "segments"); yajl_gen_integer(g, st.segments);
    gen_str(g, "last_error"); gen_str(g, err);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok && len < 2000) {
        char line[2048];
        memcpy(line, buf, len);
        line[len] = '\n';
        ssize_t w = write(st.fd, line, len + 1);
        (void)w;
    }
    yajl_gen_free(g);
}

void status_tick(void)
{
    if (ctl_now_us() - st.last_us >= 1000000)
        status_emit();
}

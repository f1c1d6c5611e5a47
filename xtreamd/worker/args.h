/* Command-line options of xtream-worker: strict parsing and bounds. */
#ifndef XTW_ARGS_H
#define XTW_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define XTW_MAX_INPUTS 8
#define XTW_MAX_RUNGS 6
#define XTW_MAX_WINDOW 60
#define XTW_NAME_MAX 16

enum xtw_mode { XTW_MODE_NONE, XTW_COPY, XTW_ABR };
/* native-rate reading: auto paces inputs that can run ahead of real time */
enum xtw_rate { XTW_RATE_AUTO, XTW_RATE_ON, XTW_RATE_OFF };
/* ABR rung codecs: video libx264 or libx265; audio aac, libmp3lame or the
 * source's audio packets passed through (copy). */
enum xtw_vcodec { XTW_V_H264, XTW_V_HEVC };
enum xtw_acodec { XTW_A_AAC, XTW_A_MP3, XTW_A_COPY };

struct xtw_rung {
    char name[XTW_NAME_MAX + 1];
    int height;      /* even, 64..2160 */
    int video_kbps;
    int audio_kbps;  /* copy: only the BANDWIDTH estimate */
    enum xtw_vcodec vcodec;
    enum xtw_acodec acodec;
};

struct xtw_args {
    long long stream_id;
    const char *output;
    const char *archive;  /* catch-up archive directory, or NULL */
    enum xtw_mode mode;
    struct xtw_rung rungs[XTW_MAX_RUNGS];
    int nb_rungs;
    const char *preset;
    enum xtw_vcodec vcodec;   /* --video-codec: rungs without video_codec */
    enum xtw_acodec acodec;   /* --audio-codec: rungs without audio_codec */
    int segment_seconds;
    int window;
    int status_fd;       /* -1 = none */
    int secret_fd;       /* --encrypt-secret-fd: AES-128 HLS, -1 = clear */
    int key_rotation;    /* segments per key */
    int loop;            /* a file-like input starts again at its end */
    enum xtw_rate rate;  /* --read-native-rate */
    int rw_timeout_ms;
    int retries;         /* failed rounds over all inputs before giving up */
    const char *inputs[XTW_MAX_INPUTS];
    int nb_inputs;
};

/* Parses argv into *a. On error writes a message into err and returns -1. */
int xtw_args_parse(struct xtw_args *a, int argc, char **argv, char *err, size_t errlen);
/* Parses the --ladder JSON array; exposed for tests. */
int xtw_ladder_parse(struct xtw_args *a, const char *json, char *err, size_t errlen);
void xtw_usage(FILE *f);
/* "h264"/"hevc", "aac"/"mp3"/"copy" -> enum; -1 if unknown. */
int xtw_vcodec_parse(const char *s);
int xtw_acodec_parse(const char *s);

#endif

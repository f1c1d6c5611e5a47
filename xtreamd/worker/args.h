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

struct xtw_rung {
    char name[XTW_NAME_MAX + 1];
    int height;      /* even, 64..2160 */
    int video_kbps;
    int audio_kbps;
};

struct xtw_args {
    long long stream_id;
    const char *output;
    const char *archive;  /* catch-up archive directory, or NULL */
    enum xtw_mode mode;
    struct xtw_rung rungs[XTW_MAX_RUNGS];
    int nb_rungs;
    const char *preset;
    int segment_seconds;
    int window;
    int status_fd;       /* -1 = none */
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

#endif

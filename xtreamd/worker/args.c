/* Argument parsing: every value bounded, unknown options rejected, the ladder
 * JSON checked key by key so a typo never silently changes a channel. */
#include "args.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define LADDER_JSON_MAX 4096
#define URL_MAX 4096
#define PATH_LEN_MAX 3000

void xtw_usage(FILE *f)
{
    fputs("usage: xtream-worker --stream-id N --output DIR --mode copy|abr\n"
          "         [--ladder JSON] [--preset veryfast] [--segment-seconds 4] [--window 6]\n"
          "         [--status-fd FD] [--loop] [--read-native-rate auto|on|off] [--realtime]\n"
          "         [--rw-timeout-ms 5000]\n"
          "         [--retries 3] [--archive DIR] --input URL [--input URL2 ...]\n", f);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Whole-string decimal integer within [lo, hi]. */
static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    if (!s || !*s || strlen(s) > 20)
        return -1;
    for (const char *p = s; *p; p++)
        if ((*p < '0' || *p > '9') && !(p == s && *p == '-'))
            return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > XTW_NAME_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static int json_int(yajl_val v, long long lo, long long hi, int *out)
{
    if (!v || !YAJL_IS_INTEGER(v))
        return -1;
    long long x = YAJL_GET_INTEGER(v);
    if (x < lo || x > hi)
        return -1;
    *out = (int)x;
    return 0;
}

int xtw_ladder_parse(struct xtw_args *a, const char *json, char *err, size_t errlen)
{
    char yerr[256];
    if (strlen(json) > LADDER_JSON_MAX)
        return fail(err, errlen, "--ladder: longer than %d bytes", LADDER_JSON_MAX);
    yajl_val root = yajl_tree_parse(json, yerr, sizeof yerr);
    if (!root)
        return fail(err, errlen, "--ladder: invalid JSON");
    int rc = -1;
    if (!YAJL_IS_ARRAY(root)) {
        fail(err, errlen, "--ladder: must be a JSON array");
        goto out;
    }
    size_t n = root->u.array.len;
    if (n < 1 || n > XTW_MAX_RUNGS) {
        fail(err, errlen, "--ladder: must have 1..%d rungs", XTW_MAX_RUNGS);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        yajl_val o = root->u.array.values[i];
        struct xtw_rung *r = &a->rungs[i];
        int seen = 0;
        if (!YAJL_IS_OBJECT(o)) {
            fail(err, errlen, "--ladder[%zu]: must be an object", i);
            goto out;
        }
        for (size_t k = 0; k < o->u.object.len; k++) {
            const char *key = o->u.object.keys[k];
            yajl_val v = o->u.object.values[k];
            int bit;
            if (!strcmp(key, "name")) {
                bit = 1;
                const char *s = YAJL_GET_STRING(v);
                if (!s || !valid_name(s)) {
                    fail(err, errlen, "--ladder[%zu].name: must be 1..%d chars of [A-Za-z0-9_-]", i, XTW_NAME_MAX);
                    goto out;
                }
                strcpy(r->name, s);
            } else if (!strcmp(key, "height")) {
                bit = 2;
                if (json_int(v, 64, 2160, &r->height) || (r->height & 1)) {
                    fail(err, errlen, "--ladder[%zu].height: must be an even integer 64..2160", i);
                    goto out;
                }
            } else if (!strcmp(key, "video_kbps")) {
                bit = 4;
                if (json_int(v, 50, 50000, &r->video_kbps)) {
                    fail(err, errlen, "--ladder[%zu].video_kbps: must be an integer 50..50000", i);
                    goto out;
                }
            } else if (!strcmp(key, "audio_kbps")) {
                bit = 8;
                if (json_int(v, 16, 512, &r->audio_kbps)) {
                    fail(err, errlen, "--ladder[%zu].audio_kbps: must be an integer 16..512", i);
                    goto out;
                }
            } else {
                fail(err, errlen, "--ladder[%zu]: unknown key \"%.32s\"", i, key);
                goto out;
            }
            if (seen & bit) {
                fail(err, errlen, "--ladder[%zu]: duplicate key \"%s\"", i, key);
                goto out;
            }
            seen |= bit;
        }
        if (seen != 15) {
            fail(err, errlen, "--ladder[%zu]: needs name, height, video_kbps and audio_kbps", i);
            goto out;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(a->rungs[j].name, r->name)) {
                fail(err, errlen, "--ladder[%zu].name: duplicate \"%s\"", i, r->name);
                goto out;
            }
    }
    a->nb_rungs = (int)n;
    rc = 0;
out:
    yajl_tree_free(root);
    return rc;
}

static const char *const presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                      "medium", "slow", "slower", "veryslow", NULL};

int xtw_args_parse(struct xtw_args *a, int argc, char **argv, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    a->stream_id = -1;
    a->mode = XTW_MODE_NONE;
    a->preset = "veryfast";
    a->segment_seconds = 4;
    a->window = 6;
    a->status_fd = -1;
    a->rw_timeout_ms = 5000;
    a->retries = 3;
    const char *ladder = NULL;
    long long v;

    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--loop")) { a->loop = 1; continue; }
        if (!strcmp(o, "--realtime")) { a->rate = XTW_RATE_ON; continue; } /* older spelling */
        if (!strcmp(o, "--help") || !strcmp(o, "-h"))
            return fail(err, errlen, "help requested");
        if (i + 1 >= argc)
            return fail(err, errlen, "%.40s: missing value (or unknown option)", o);
        const char *val = argv[++i];
#define NUM(name, lo, hi, field)                                                   \
        if (!strcmp(o, name)) {                                                    \
            if (parse_int(val, lo, hi, &v))                                        \
                return fail(err, errlen, name ": must be an integer %lld..%lld",   \
                            (long long)(lo), (long long)(hi));                     \
            field = v;                                                             \
            continue;                                                              \
        }
        NUM("--stream-id", 0, 2147483647LL, a->stream_id)
        NUM("--segment-seconds", 1, 30, a->segment_seconds)
        NUM("--window", 2, XTW_MAX_WINDOW, a->window)
        NUM("--status-fd", 0, 1023, a->status_fd)
        NUM("--rw-timeout-ms", 100, 600000, a->rw_timeout_ms)
        NUM("--retries", 0, 1000, a->retries)
#undef NUM
        if (!strcmp(o, "--output")) {
            if (!*val || strlen(val) > PATH_LEN_MAX || !printable(val))
                return fail(err, errlen, "--output: must be a path of 1..%d printable bytes", PATH_LEN_MAX);
            a->output = val;
        } else if (!strcmp(o, "--archive")) {
            if (!*val || strlen(val) > PATH_LEN_MAX || !printable(val))
                return fail(err, errlen, "--archive: must be a path of 1..%d printable bytes", PATH_LEN_MAX);
            a->archive = val;
        } else if (!strcmp(o, "--mode")) {
            if (!strcmp(val, "copy")) a->mode = XTW_COPY;
            else if (!strcmp(val, "abr")) a->mode = XTW_ABR;
            else return fail(err, errlen, "--mode: must be copy or abr");
        } else if (!strcmp(o, "--read-native-rate")) {
            if (!strcmp(val, "auto")) a->rate = XTW_RATE_AUTO;
            else if (!strcmp(val, "on")) a->rate = XTW_RATE_ON;
            else if (!strcmp(val, "off")) a->rate = XTW_RATE_OFF;
            else return fail(err, errlen, "--read-native-rate: must be auto, on or off");
        } else if (!strcmp(o, "--ladder")) {
            ladder = val;
        } else if (!strcmp(o, "--preset")) {
            int ok = 0;
            for (int p = 0; presets[p]; p++)
                ok |= !strcmp(val, presets[p]);
            if (!ok)
                return fail(err, errlen, "--preset: must be an x264 preset (ultrafast..veryslow)");
            a->preset = val;
        } else if (!strcmp(o, "--input")) {
            if (a->nb_inputs == XTW_MAX_INPUTS)
                return fail(err, errlen, "--input: at most %d inputs", XTW_MAX_INPUTS);
            if (!*val || strlen(val) > URL_MAX || !printable(val))
                return fail(err, errlen, "--input: must be 1..%d printable bytes", URL_MAX);
            a->inputs[a->nb_inputs++] = val;
        } else {
            return fail(err, errlen, "unknown option %.40s", o);
        }
    }
    if (a->stream_id < 0) return fail(err, errlen, "--stream-id is required");
    if (!a->output) return fail(err, errlen, "--output is required");
    if (a->mode == XTW_MODE_NONE) return fail(err, errlen, "--mode is required");
    if (!a->nb_inputs) return fail(err, errlen, "--input is required");
    if (a->mode == XTW_ABR) {
        if (!ladder) return fail(err, errlen, "--mode abr needs --ladder");
        if (xtw_ladder_parse(a, ladder, err, errlen)) return -1;
    } else if (ladder) {
        return fail(err, errlen, "--ladder is only valid with --mode abr");
    }
    if (a->status_fd >= 0 && fcntl(a->status_fd, F_GETFD) < 0)
        return fail(err, errlen, "--status-fd: %d is not an open descriptor", a->status_fd);
    return 0;
}

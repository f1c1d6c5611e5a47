/*
 * Stream specs: what a worker is started with.  Equality (a changed
 * profile or source list restarts the worker), the worker's command line
 * and the diff between two sorted sets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_supervisor_int.h"


void
xt_spec_free(xt_spec_t *s)
{
    unsigned  i;

    free(s->ladder);
    for (i = 0; i < s->nsources; i++) {
        free(s->sources[i]);
    }
    memset(s, 0, sizeof(*s));
}


static int
xt_streq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}


int
xt_spec_equal(const xt_spec_t *a, const xt_spec_t *b)
{
    unsigned  i;

    if (a->id != b->id || a->push != b->push
        || a->segment_seconds != b->segment_seconds
        || a->window_segments != b->window_segments
        || !a->archive_days != !b->archive_days
        || a->loop != b->loop
        || strcmp(a->read_native_rate, b->read_native_rate) != 0
        || a->nsources != b->nsources
        || strcmp(a->mode, b->mode) != 0
        || strcmp(a->preset, b->preset) != 0
        || !xt_streq(a->ladder, b->ladder))
    {
        return 0;
    }
    for (i = 0; i < a->nsources; i++) {
        if (!xt_streq(a->sources[i], b->sources[i])) {
            return 0;
        }
    }
    /* on_demand alone does not change the command */
    return 1;
}


int
xt_spec_argv(const xt_spec_t *s, const char *worker, const char *media_root,
    unsigned rtmp_port, int status_fd, char *buf, size_t buflen,
    char **argv)
{
    int        argc = 0, n;
    unsigned   i;
    char      *p = buf, *end = buf + buflen;
    int        abr = strcmp(s->mode, "abr") == 0;

#define ARG(x)  do {                                                       \
        if (argc >= XT_WORKER_ARGV_MAX - 1) return -1;                     \
        argv[argc++] = (char *) (x);                                       \
    } while (0)
#define FMT(...)  do {                                                     \
        n = snprintf(p, (size_t) (end - p), __VA_ARGS__);                  \
        if (n < 0 || n >= end - p) return -1;                              \
        ARG(p);                                                            \
        p += n + 1;                                                        \
    } while (0)

    if (!s->push && s->nsources == 0) {
        return -1;
    }
    if (abr && (s->ladder == NULL || s->ladder[0] == '\0')) {
        return -1;
    }
    ARG(worker);
    ARG("--stream-id");
    FMT("%u", s->id);
    ARG("--output");
    FMT("%s/%u", media_root, s->id);
    ARG("--mode");
    ARG(abr ? "abr" : "copy");
    if (abr) {
        ARG("--ladder");
        ARG(s->ladder);
        if (s->preset[0]) {
            ARG("--preset");
            ARG(s->preset);
        }
    }
    if (s->segment_seconds) {
        ARG("--segment-seconds");
        FMT("%u", s->segment_seconds);
    }
    if (s->window_segments) {
        ARG("--window");
        FMT("%u", s->window_segments);
    }
    ARG("--status-fd");
    FMT("%d", status_fd);
    if (!s->push && s->loop) {
        ARG("--loop");              /* a file-like source: a live channel */
    }
    if (s->read_native_rate[0]) {
        ARG("--read-native-rate");
        ARG(s->read_native_rate);
    }
    /* the worker keeps trying its sources (back-off up to 5 s), so one that
       comes back is used within seconds; the state is ours to tell */
    ARG("--retries");
    ARG("1000");
    if (s->push) {
        ARG("--input");
        FMT("rtmp://127.0.0.1:%u/live/%u", rtmp_port ? rtmp_port : 1935,
            s->id);
    }
    for (i = 0; i < s->nsources; i++) {
        ARG("--input");
        ARG(s->sources[i]);
    }
    argv[argc] = NULL;
    return argc;
#undef ARG
#undef FMT
}


int
xt_spec_diff(const xt_spec_t *old, size_t nold, const xt_spec_t *new_,
    size_t nnew, xt_diff_cb cb, void *ctx)
{
    size_t  i = 0, j = 0;

    for (i = 1; i < nold; i++) {
        if (old[i - 1].id >= old[i].id) {
            return -1;
        }
    }
    for (j = 1; j < nnew; j++) {
        if (new_[j - 1].id >= new_[j].id) {
            return -1;
        }
    }
    i = j = 0;
    while (i < nold || j < nnew) {
        if (j == nnew || (i < nold && old[i].id < new_[j].id)) {
            cb(ctx, XT_DIFF_REMOVE, &old[i], NULL);
            i++;
        } else if (i == nold || new_[j].id < old[i].id) {
            cb(ctx, XT_DIFF_ADD, NULL, &new_[j]);
            j++;
        } else {
            cb(ctx, xt_spec_equal(&old[i], &new_[j]) ? XT_DIFF_SAME
                                                      : XT_DIFF_CHANGE,
               &old[i], &new_[j]);
            i++;
            j++;
        }
    }
    return 0;
}

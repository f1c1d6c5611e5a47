/* Opening one source with deadlines, bounded probing and stream selection. */
#ifndef XTW_INPUT_H
#define XTW_INPUT_H

#include <stddef.h>
#include <libavformat/avformat.h>

struct input {
    AVFormatContext *ic;
    int vidx, aidx;      /* selected streams, -1 if absent */
    int is_file;         /* EOF means the end, not a failure */
    int finite;          /* can run ahead of real time: a file, a file over
                            HTTP (known length), an HLS VOD playlist */
};

int input_open(struct input *in, const char *url, int rw_timeout_ms, char *err, size_t errlen);
void input_close(struct input *in);
int input_is_file(const char *url);
int input_is_hls(const char *url);

#endif

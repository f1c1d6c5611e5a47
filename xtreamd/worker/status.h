/* Once-a-second JSON health line on --status-fd (written with yajl). */
#ifndef XTW_STATUS_H
#define XTW_STATUS_H

#include <stdint.h>

void status_init(int fd);
void status_set_state(const char *state);      /* static string */
void status_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void status_set_video(int width, int height, const char *codec);
void status_set_audio(const char *codec);
void status_add_frames(int n);
void status_add_bytes(int64_t n);
void status_media_time(int64_t ts90k);          /* latest output timestamp */
void status_segment_done(void);
int64_t status_segments(void);
/* Emits a line if a second has passed since the last one. */
void status_tick(void);
/* Emits a line now (state changes, exit). */
void status_emit(void);

#endif

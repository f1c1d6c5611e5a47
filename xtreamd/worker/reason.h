/* A failed open or read in plain words for operators ("connection refused",
 * "HTTP 404", "cannot resolve example.invalid", "timed out", ...). */
#ifndef XTW_REASON_H
#define XTW_REASON_H

#include <stddef.h>

/* err: the AVERROR; url: the source; timed_out: our deadline fired. */
void xtw_reason(int err, const char *url, int timed_out, char *buf, size_t n);

#endif

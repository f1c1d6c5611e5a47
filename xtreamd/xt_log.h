/* Log lines "YYYY-mm-ddTHH:MM:SSZ [level] message" to stderr or a file. */
#ifndef XT_LOG_H
#define XT_LOG_H

enum { XT_LOG_ERR, XT_LOG_WARN, XT_LOG_INFO, XT_LOG_DEBUG };

/* path NULL or "" = stderr; returns -1 when the file cannot be opened */
int xt_log_open(const char *path);
void xt_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif

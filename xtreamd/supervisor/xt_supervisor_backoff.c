/* Restart back-off: 0.5 s doubling to a cap, reset after a healthy run. */
#include "xt_supervisor_int.h"


unsigned
xt_backoff_next(unsigned cur_ms, unsigned max_ms)
{
    unsigned  n;

    if (max_ms < XT_BACKOFF_MIN_MS) {
        max_ms = XT_BACKOFF_MIN_MS;
    }
    n = cur_ms < XT_BACKOFF_MIN_MS ? XT_BACKOFF_MIN_MS
        : cur_ms > max_ms / 2 ? max_ms : cur_ms * 2;
    return n > max_ms ? max_ms : n;
}


unsigned
xt_backoff_on_exit(unsigned *cur_ms, double run_ms, int was_healthy,
    unsigned max_ms)
{
    /* a worker that ran healthily for a while failed for a new reason:
       restart it quickly, as the first time */
    if (was_healthy && run_ms >= XT_BACKOFF_HEALTHY_MS) {
        *cur_ms = 0;
    }
    *cur_ms = xt_backoff_next(*cur_ms, max_ms);
    return *cur_ms;
}

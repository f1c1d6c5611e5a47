#include "pace.h"
#include "control.h"

void xtw_pace_reset(struct xtw_pace *p)
{
    p->anchored = 0;
}

int64_t xtw_pace_wait(struct xtw_pace *p, int64_t ts_us, int64_t lead_us)
{
    int64_t now = ctl_now_us();
    if (!p->anchored) {
        p->wall0 = now;
        p->ts0 = ts_us;
        p->anchored = 1;
        return 0;
    }
    int64_t ahead = (ts_us - p->ts0) - (now - p->wall0);
    if (ahead < -XTW_PACE_REANCHOR_US || ahead > lead_us + XTW_PACE_REANCHOR_US) {
        p->wall0 = now;
        p->ts0 = ts_us;
        return 0;
    }
    if (ahead <= lead_us)
        return 0;
    int64_t t0 = now;
    ctl_sleep_ms((int)((ahead - lead_us) / 1000) + 1);
    return ctl_now_us() - t0;
}

/* A blocked read must never outlive the stop request or its deadline: lavf's
 * network code polls the interrupt callback about every 100 ms. */
#include "control.h"
#include "status.h"

#include <signal.h>
#include <time.h>

static volatile sig_atomic_t stop_flag;
static int64_t deadline_us;
static int timed_out;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

void ctl_install_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL); /* a closed status pipe must not kill us */
}

int ctl_stopping(void) { return stop_flag; }

int64_t ctl_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void ctl_arm(int ms)
{
    deadline_us = ctl_now_us() + (int64_t)ms * 1000;
    timed_out = 0;
}

void ctl_disarm(void) { deadline_us = 0; }

int ctl_timed_out(void) { return timed_out; }

int ctl_interrupt_cb(void *opaque)
{
    (void)opaque;
    status_tick();
    if (stop_flag)
        return 1;
    if (deadline_us && ctl_now_us() > deadline_us) {
        timed_out = 1;
        return 1;
    }
    return 0;
}

void ctl_sleep_ms(int ms)
{
    int64_t end = ctl_now_us() + (int64_t)ms * 1000;
    while (!stop_flag) {
        int64_t left = end - ctl_now_us();
        if (left <= 0)
            break;
        if (left > 50000)
            left = 50000;
        struct timespec ts = {0, (long)left * 1000};
        nanosleep(&ts, NULL);
        status_tick();
    }
}

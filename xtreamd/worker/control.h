/* Stop flag, per-operation deadlines and the libavformat interrupt callback. */
#ifndef XTW_CONTROL_H
#define XTW_CONTROL_H

#include <stdint.h>
#include <libavformat/avformat.h>

void ctl_install_signals(void);
int ctl_stopping(void);
/* Arms the deadline for the next blocking call, ms from now. */
void ctl_arm(int ms);
void ctl_disarm(void);
/* Non-zero if the deadline fired (so the caller can report a timeout). */
int ctl_timed_out(void);
/* Callback for AVFormatContext.interrupt_callback (also ticks status). */
int ctl_interrupt_cb(void *opaque);
/* Sleeps up to ms, waking early on stop; keeps status lines flowing. */
void ctl_sleep_ms(int ms);
int64_t ctl_now_us(void);

#endif

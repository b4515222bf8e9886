/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Notifications, delivered by forcing a migration into a handler.
 * Signals (non-critical) wait until the thread is back in its root
 * process; timer expiries and interrupts (critical) interrupt it wherever
 * it is, and no other critical one arrives until its handler responds.
 */
#ifndef CORE_NOTIFY_H
#define CORE_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

struct thread;
struct trapframe;
struct frame;

void notify_deliver(struct thread *t, struct trapframe *tf);
void notify_finish(struct thread *t, const struct frame *f);
bool notify_pending(struct thread *t);
bool notify_timers(void);
bool notify_irq(unsigned src);
void notify_thread_exit(struct thread *t);
long notify_signal(long pid, uint64_t bits);
long notify_wait(struct thread *t, uint64_t uva, uint64_t value);
void timer_arm(struct thread *t, long pid, uint64_t delay, uint64_t period);
bool irq_valid(uint64_t src);
long irq_bind(struct thread *t, long pid, uint32_t src);

#endif

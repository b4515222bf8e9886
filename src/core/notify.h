/*
 * Notifications, delivered by forcing a migration into a handler.
 * Signals (non-critical) wait until the thread is back in its root
 * process; timer expiries and interrupts (critical) interrupt it wherever
 * it is, and no other critical one arrives until its handler responds.
 */
#ifndef IPC_NOTIFY_H
#define IPC_NOTIFY_H

#include <stdbool.h>

struct thread;
struct trapframe;
struct frame;

void notify_deliver(struct thread *t, struct trapframe *tf);
void notify_finish(struct thread *t, const struct frame *f);
bool notify_pending(struct thread *t);
bool notify_timers(void);
bool notify_irq(unsigned src);
void notify_thread_exit(struct thread *t);
void sys_notify(struct trapframe *tf);
void sys_notify_wait(struct trapframe *tf);
void sys_timer(struct trapframe *tf);
void sys_irq_register(struct trapframe *tf);

#endif

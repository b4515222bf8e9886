/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-hart run queues. A thread runs only on its home hart; moving it
 * (pinning) happens after it has switched out, so a thread's registers are
 * never live on two harts. No lock is shared between harts except when one
 * hart wakes a thread that lives on another.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdbool.h>

struct thread;

void sched_init_hart(void);
void sched_yield(void);
void sched_block(void);
_Noreturn void sched_exit(void);
void sched_move(int hart);
void sched_wake(struct thread *t);
int sched_unblock(struct thread *t);
void sched_enqueue_new(struct thread *t);
_Noreturn void sched_idle(void);
void sched_tick(bool from_user);
void sched_finish_switch(struct thread *prev);

#endif

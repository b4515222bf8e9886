/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A thread: a kernel stack, saved registers, and the process it belongs
 * to (its root process). It stays an object until it is joined or its
 * process goes away, so its exit value can be collected.
 */
#ifndef CORE_THREAD_H
#define CORE_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <ck_epoch.h>
#include <sync/idtable.h>
#include <core/frame.h>
#include <arch/trapframe.h>

struct proc;
struct aspace;

#define KSTACK_ORDER 2           /* a kernel stack: 16 KiB */

enum tstate {
    T_RUNNING,
    T_RUNNABLE,
    T_BLOCKED,
    T_MOVING,                    /* switched out; to be queued on its new hart */
    T_DEAD,                      /* switched out for the last time */
};

#define WORK_KILL   1u           /* exit once back in the root process */
#define WORK_UNWIND 2u           /* a process it is migrated into died */
#define WORK_ABORT  4u           /* its root process aborted its migration */
#define WORK_NOTIFY 8u           /* a notification may be due */

struct thread {
    long id;                     /* first: struct idobj */
    struct context ctx;          /* private to the hart running it */
    uint64_t kstack;             /* base of its kernel stack, a block of KSTACK_ORDER */
    uint64_t kstack_top;
    struct proc *proc;           /* root process; fixed */
    struct aspace *as;           /* address space it runs in now: its top frame's */

    /* Protected by the home hart's run-queue lock. */
    int hart;
    enum tstate state;
    struct thread *rq_next;
    int wake_pending;            /* atomic: a wakeup that came before the block */

    /* Protected by the process lock. */
    struct thread *sib_next;     /* in proc->threads */
    bool zombie;                 /* exited and off its hart: a joiner may reap it */
    bool zombie_pending;         /* will be a zombie once off its hart */
    struct thread *joiner;
    long exit_value;

    /*
     * Requests acted on when the thread next leaves the kernel
     * (migrate_check): WORK_* bits, set atomically by anyone, so the exit
     * path tests one word.
     */
    uint32_t work;

    /* Notifications (ipc/notify.c). Private to the thread's home hart but for the atomics. */
    struct trapframe async_tf[2];    /* contexts interrupted by a signal and a critical notification */
    int nasync;
    bool crit_active;            /* in a critical handler: no other is delivered */
    long timer_pid;              /* process whose handler its timer enters */
    uint64_t timer_deadline, timer_period;
    struct thread *timer_next;   /* in its hart's armed list */
    bool timer_armed;
    uint32_t timer_fired;        /* atomic: expiries not yet delivered */
    long irq_pid;                /* process whose handler its interrupt enters */
    uint32_t irq_src;            /* the PLIC source bound to it, 0 if none */
    uint32_t irq_fired;          /* atomic: the source is claimed and waits for its handler */

    ck_epoch_entry_t epoch_entry;
    struct activation act;       /* private to the thread, bar the inside links */
};

extern struct idtable thread_table;

void thread_init(void);
struct thread *thread_create(struct proc *p, int hart, const uint64_t args[6]);
struct thread *thread_create_idle(void);
struct thread *thread_fork(struct proc *c, struct thread *parent);
void thread_restart(struct thread *t, uint64_t pc, const uint64_t args[6]);
void thread_release(struct thread *t);
void thread_reap(struct thread *t);
_Noreturn void thread_exit(long value);
struct hartmask;
void thread_poke(struct thread *t, uint32_t work, struct hartmask *ipi);
bool thread_interrupted(struct thread *t);
long thread_join(struct thread *t, long *value);
static inline struct trapframe *thread_frame(struct thread *t)
{
    return (struct trapframe *)(t->kstack_top - sizeof(struct trapframe));
}

#endif

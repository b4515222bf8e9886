/* SPDX-License-Identifier: BSD-2-Clause */
#include <core/sched.h>
#include <arch/entry.h>
#include <core/thread.h>
#include <mm/aspace.h>
#include <mm/tlb.h>
#include <mm/page.h>
#include <base/hart.h>
#include <sync/kernel.h>
#include <sync/epoch.h>
#include <arch/smp.h>
#include <base/printk.h>
#include <debug/trace.h>
#include <ck_pr.h>


void sched_init_hart(void)
{
    struct hart *h = hart_self();
    lock_init(&h->runq.lock, LC_RUNQ);
    h->idle = thread_create_idle();
    h->current = h->idle;
}

static void enqueue(struct runq *q, struct thread *t)
{
    lock_assert_held(&q->lock);
    t->rq_next = NULL;
    if (q->tail)
        q->tail->rq_next = t;
    else
        q->head = t;
    q->tail = t;
}

static struct thread *dequeue(struct runq *q)
{
    struct thread *t = q->head;
    assert(q == &hart_self()->runq);   /* a run queue is emptied only by its own hart */
    if (t) {
        q->head = t->rq_next;
        if (!q->head)
            q->tail = NULL;
    }
    return t;
}

/*
 * Gives up the hart with the current thread in state `st`. A block that
 * finds a wakeup already pending returns at once: the waker came between
 * the caller's check and here.
 */
static void switch_out(enum tstate st)
{
    struct hart *h = hart_self();
    struct thread *prev = h->current, *next;
    lock_assert_none_held();
    lock_acquire(&h->runq.lock);
    if (st == T_BLOCKED && ck_pr_fas_int(&prev->wake_pending, 0)) {
        lock_release(&h->runq.lock);
        return;
    }
    if (prev != h->idle) {
        prev->state = st;
        if (st == T_RUNNABLE)
            enqueue(&h->runq, prev);
    }
    next = dequeue(&h->runq);
    if (!next)
        next = h->idle;
    assert(next->hart == h->index);   /* a thread runs only on its home hart */
    next->state = T_RUNNING;
    lock_release(&h->runq.lock);
    if (next == prev)
        return;
    h->current = next;
    h->kstack_top = next->kstack_top;
    aspace_activate(next->as);
    trace_switch(prev, next);
    prev = context_switch(&prev->ctx, &next->ctx, prev);
    sched_finish_switch(prev);
}

/* Runs on the new thread's stack: the old one is now off every hart. */
void sched_finish_switch(struct thread *prev)
{
    if (prev->state == T_MOVING) {
        struct hart *to = hart_by_index(prev->hart);
        lock_acquire(&to->runq.lock);
        prev->state = T_RUNNABLE;
        enqueue(&to->runq, prev);
        lock_release(&to->runq.lock);
        arch_send_ipi(to->hartid);
    } else if (prev->state == T_DEAD) {
        thread_release(prev);
    }
}

void sched_yield(void) { switch_out(T_RUNNABLE); }
void sched_block(void) { switch_out(T_BLOCKED); }

void sched_exit(void)
{
    switch_out(T_DEAD);
    panic("dead thread rescheduled");
}

void sched_move(int hart)
{
    struct hart *h = hart_self();
    if (hart == h->index)
        return;
    h->current->hart = hart;
    switch_out(T_MOVING);
}

/* Effects on other harts (the IPI) happen after the unlock. */
/*
 * Makes t runnable if it is blocked, or leaves a wakeup for its next
 * block. Sends nothing: returns the index of the hart t was queued on,
 * which needs an IPI if it is not this one, or -1 if t was not blocked.
 */
int sched_unblock(struct thread *t)
{
    struct hart *to = hart_by_index(ck_pr_load_int(&t->hart));
    bool queued = false;
    lock_acquire(&to->runq.lock);
    if (t->state == T_BLOCKED) {
        t->state = T_RUNNABLE;
        enqueue(&to->runq, t);
        queued = true;
    } else {
        ck_pr_store_int(&t->wake_pending, 1);
        /*
         * The token must be visible before the run-queue lock is released:
         * t is not blocked yet, and when it blocks, switch_out swaps the
         * token under this same lock and must find it. The full fence
         * (fence iorw,iorw) orders the store before every later load and
         * store, the unlocking store included. The lock's release fence
         * (in the bkl build, the big lock's) gives that order as well, so
         * this one states it here rather than adding to it.
         */
        ck_pr_fence_memory();
    }
    lock_release(&to->runq.lock);
    return queued ? to->index : -1;
}

void sched_wake(struct thread *t)
{
    int to = sched_unblock(t);
    if (to >= 0 && to != hart_self()->index)
        arch_send_ipi(hart_by_index(to)->hartid);
}

void sched_enqueue_new(struct thread *t)
{
    struct hart *to = hart_by_index(t->hart);
    lock_acquire(&to->runq.lock);
    t->state = T_RUNNABLE;
    enqueue(&to->runq, t);
    lock_release(&to->runq.lock);
    if (to != hart_self())
        arch_send_ipi(to->hartid);
}

static bool runq_empty(struct hart *h)
{
    return ck_pr_load_ptr(&h->runq.head) == NULL;
}

/*
 * wfi wakes for any interrupt enabled in sie even with sstatus.SIE off, so
 * checking the queue and then waiting cannot miss a wakeup IPI.
 */
void sched_idle(void)
{
    struct hart *h = hart_self();
    for (;;) {
        epoch_poll();
        tlb_poll();
        page_poll();
        if (!runq_empty(h)) {
            sched_yield();
            continue;
        }
        kernel_depart((uintptr_t)sched_idle);
        cpu_wait();
        cpu_irq_enable();
        cpu_irq_disable();
        kernel_enter();
    }
}

void sched_tick(bool from_user)
{
    epoch_poll();
    tlb_poll();
    page_poll();
    if (from_user)
        sched_yield();
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <core/notify.h>
#include <core/activation.h>
#include <core/thread.h>
#include <core/proc.h>
#include <core/sched.h>
#include <mm/aspace.h>
#include <sync/epoch.h>
#include <base/hart.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/smp.h>
#include <debug/trace.h>
#include <migrant/errno.h>
#include <migrant/layout.h>
#include <ck_pr.h>

#define MAX_IRQ 1024

/* Source -> bound thread id, 0 if none. Written under irq_lock, read lock-free. */
static long irq_owner[MAX_IRQ];
/* Protects binding and unbinding sources; class irq, rank 45, irqs off. */
static struct lock irq_lock = LOCK_INIT(LC_IRQ);

/*
 * Saves the interrupted context and enters pid's handler at a new frame;
 * the handler's ipc_resp restores the context (see return_down). Returns
 * false, changing nothing, if the handler's process is gone or its
 * activation does not fit.
 */
static bool force_migration(struct thread *t, struct trapframe *tf, long pid, long kind, uint64_t word)
{
    epoch_enter();
    struct proc *p = idtable_lookup(&proc_table, pid);
    int err = p ? activation_push(t, p, 0, 0, 0) : E_NOENT;
    epoch_exit();
    if (err)
        return false;
    struct frame *f = activation_top(&t->act);
    assert(t->nasync < 2);   /* async_tf holds one signal's and one critical handler's context */
    t->async_tf[t->nasync] = *tf;
    f->async = (uint8_t)++t->nasync;
    f->crit = kind == START_SIGNAL ? 0 : (uint8_t)kind;
    t->crit_active |= f->crit != 0;
    tf_init_user(tf, p->entry, f->va, (const uint64_t[6]){ 0, (uint64_t)t->id, (uint64_t)kind, word });
    t->as = p->as;
    aspace_activate(t->as);
    trace_migrate_in(t, TRACE_NOTIFY);
    return true;
}

static void irq_done(struct thread *t)
{
    ck_pr_store_32(&t->irq_fired, 0);
    plic_complete(t->irq_src);
}

/* Critical first, at any depth; signals only in the root frame. */
void notify_deliver(struct thread *t, struct trapframe *tf)
{
    assert(t == hart_self()->current);   /* the notification fields are private to t's home hart */
    if (!t->crit_active && ck_pr_load_32(&t->irq_fired)) {
        if (!force_migration(t, tf, t->irq_pid, START_IRQ, t->irq_src))
            irq_done(t);
    } else if (!t->crit_active && ck_pr_load_32(&t->timer_fired)) {
        uint32_t n = ck_pr_fas_32(&t->timer_fired, 0);
        force_migration(t, tf, t->timer_pid, START_TIMER, n);
    } else if (t->act.depth == 0 && ck_pr_load_64(&t->proc->signals)) {
        uint64_t bits = ck_pr_fas_64(&t->proc->signals, 0);
        if (!force_migration(t, tf, t->proc->id, START_SIGNAL, bits))
            ck_pr_or_64(&t->proc->signals, bits);
    }
}

/* Whether notify_deliver would deliver something now, or after the current handler. */
bool notify_pending(struct thread *t)
{
    return ck_pr_load_32(&t->irq_fired) || ck_pr_load_32(&t->timer_fired) ||
           (t->act.depth == 0 && ck_pr_load_64(&t->proc->signals));
}

/* A forced frame is being popped: its context comes back, and a critical one re-opens delivery. */
void notify_finish(struct thread *t, const struct frame *f)
{
    assert(t->nasync > 0 && t == hart_self()->current);   /* a forced frame saved a context, on t's hart */
    t->nasync--;
    if (f->crit)
        t->crit_active = false;
    if (f->crit == START_IRQ)
        irq_done(t);
    /* What arrived during a critical handler is due as soon as it ends. */
    if (notify_pending(t))
        ck_pr_or_32(&t->work, WORK_NOTIFY);
}

/* Sends signal bits to pid; each of its threads takes them once back in its root frame. */
long notify_signal(long pid, uint64_t bits)
{
    long r = 0;
    epoch_enter();
    struct proc *p = idtable_lookup(&proc_table, pid);
    if (!p || !proc_alive(p)) {
        r = E_NOENT;
    } else {
        struct hartmask ipi = { 0 };
        ck_pr_or_64(&p->signals, bits);
        lock_acquire(&p->lock);
        for (struct thread *t = p->threads; t; t = t->sib_next)
            if (!t->zombie)
                thread_poke(t, WORK_NOTIFY, &ipi);
        lock_release(&p->lock);
        hartmask_ipi(&ipi);
    }
    epoch_exit();
    return r;
}

/*
 * Blocks t, the calling thread, until a notification is due; it is
 * delivered on the way out. With a word (uva not 0) it returns at once,
 * with 0, when the word in t's space no longer reads `value`, checked
 * before every block: a handler of t runs only on a way out of the kernel,
 * never between this check and the block, so a flag that one of t's
 * handlers set after the caller last looked (a tick or a preemption
 * between its test and its ecall) is never missed, as a plain wait would
 * miss it. E_FAULT if the word cannot be read.
 */
long notify_wait(struct thread *t, uint64_t uva, uint64_t value)
{
    for (;;) {
        uint64_t now;
        if (uva && copy_from_user(t->as, &now, uva, sizeof(now)))
            return E_FAULT;
        if (uva && now != value)
            return 0;
        if (notify_pending(t) || thread_interrupted(t))
            break;
        sched_block();
    }
    return thread_interrupted(t) ? E_KILLED : 0;
}

static void timer_unlink(struct thread *t)
{
    struct hart *h = hart_self();
    for (struct thread **pp = &h->timers; *pp; pp = &(*pp)->timer_next) {
        if (*pp == t) {
            *pp = t->timer_next;
            break;
        }
    }
    t->timer_armed = false;
}

/*
 * Arms t's timer (t is the calling thread) to enter pid's handler after
 * `delay` timebase ticks, then every `period` (0: once); delay 0 only
 * disarms. Both are at most TIMER_MAX, so that neither the deadline nor a
 * step of it can wrap. The timer lives on the thread's hart, which only
 * that hart touches, so it needs no lock; a thread with an armed timer
 * may not move (thread_pin gives E_BUSY).
 */
void timer_arm(struct thread *t, long pid, uint64_t delay, uint64_t period)
{
    if (t->timer_armed)
        timer_unlink(t);
    ck_pr_store_32(&t->timer_fired, 0);
    if (delay == 0)
        return;
    t->timer_pid = pid;
    t->timer_deadline = cpu_time() + delay;
    t->timer_period = period;
    t->timer_armed = true;
    t->timer_next = hart_self()->timers;
    hart_self()->timers = t;
}

/* Called at each tick; true if a timer fired for a thread that should run now. */
bool notify_timers(void)
{
    struct hart *h = hart_self();
    uint64_t now = cpu_time();
    bool fired = false;
    struct hartmask ipi = { 0 };
    for (struct thread *t = h->timers, *next; t; t = next) {
        next = t->timer_next;
        assert(t->hart == h->index);   /* an armed timer is private to its thread's home hart */
        if (now < t->timer_deadline)
            continue;
        uint64_t n = 1;
        if (t->timer_period) {
            /* Every period that ended by now, in one step: a short period must not cost a loop. */
            n = (now - t->timer_deadline) / t->timer_period + 1;
            t->timer_deadline += n * t->timer_period;
        } else {
            timer_unlink(t);
        }
        ck_pr_add_32(&t->timer_fired, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);
        thread_poke(t, WORK_NOTIFY, &ipi);
        fired = true;
    }
    hartmask_ipi(&ipi);
    return fired;
}

/* A claimed source: hand it to its thread, which must be homed here. */
bool notify_irq(unsigned src)
{
    long tid = src < MAX_IRQ ? ck_pr_load_64((uint64_t *)&irq_owner[src]) : 0;
    bool taken = false;
    struct hartmask ipi = { 0 };
    epoch_enter();
    struct thread *t = tid ? idtable_lookup(&thread_table, tid) : NULL;
    if (t && t->hart == hart_self()->index) {
        ck_pr_store_32(&t->irq_fired, 1);
        thread_poke(t, WORK_NOTIFY, &ipi);
        taken = true;
    }
    epoch_exit();
    hartmask_ipi(&ipi);
    if (!taken)
        plic_complete(src);
    return taken;
}

/* Whether src names an interrupt source a thread can bind. */
bool irq_valid(uint64_t src)
{
    return src != 0 && src < MAX_IRQ && plic_valid((uint32_t)src);
}

/* Binds a valid source to t, the calling thread, entering pid's handler; E_BUSY if either is bound already. */
long irq_bind(struct thread *t, long pid, uint32_t src)
{
    long r = t->irq_src ? E_BUSY : 0;
    if (!r) {
        lock_acquire(&irq_lock);
        if (irq_owner[src])
            r = E_BUSY;
        else
            ck_pr_store_64((uint64_t *)&irq_owner[src], (uint64_t)t->id);
        lock_release(&irq_lock);
    }
    if (!r) {
        t->irq_src = src;
        t->irq_pid = pid;
        plic_enable(src, t->hart);
    }
    return r;
}

void notify_thread_exit(struct thread *t)
{
    if (t->timer_armed)
        timer_unlink(t);
    if (t->irq_src) {
        plic_disable(t->irq_src, t->hart);
        if (ck_pr_load_32(&t->irq_fired))
            irq_done(t);
        lock_acquire(&irq_lock);
        ck_pr_store_64((uint64_t *)&irq_owner[t->irq_src], 0);
        lock_release(&irq_lock);
        t->irq_src = 0;
    }
}

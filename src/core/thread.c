/* SPDX-License-Identifier: BSD-2-Clause */
#include <core/thread.h>
#include <core/activation.h>
#include <core/proc.h>
#include <core/sched.h>
#include <core/notify.h>
#include <mm/aspace.h>
#include <mm/page.h>
#include <sync/epoch.h>
#include <base/hart.h>
#include <arch/entry.h>
#include <arch/smp.h>
#include <migrant/errno.h>
#include <migrant/syscall.h>
#include <base/printk.h>
#include <ck_pr.h>

/*
 * A thread object holds its activation records, the registers each
 * waiting caller keeps and two saved contexts, more than a slab page, so
 * each one is a block of its own from the page allocator.
 */
#define THREAD_ORDER 2
_Static_assert(sizeof(struct thread) <= (PAGE_SIZE << THREAD_ORDER), "struct thread outgrew its block");

struct idtable thread_table;

static struct thread *thread_alloc(void)
{
    uint64_t pa = page_alloc_order(THREAD_ORDER);
    return pa ? pa_to_va(pa) : NULL;
}

static void thread_free(struct thread *t)
{
    page_free_order(va_to_pa(t), THREAD_ORDER);
}


void thread_init(void)
{
    idtable_init(&thread_table);
}

/* The boot context of a hart becomes its idle thread; it is in no table. */
struct thread *thread_create_idle(void)
{
    struct thread *t = thread_alloc();
    if (!t)
        panic("no memory for an idle thread");
    t->hart = hart_self()->index;
    t->state = T_RUNNING;
    return t;
}

static void free_thread(ck_epoch_entry_t *e)
{
    struct thread *t = (struct thread *)((char *)e - __builtin_offsetof(struct thread, epoch_entry));
    thread_free(t);
}

/*
 * A thread object with a kernel stack, an id and an activation stack whose
 * root frame is in p: a fresh one, or for a fork a copy of fork_of's root
 * frame (activation_init).
 */
static struct thread *alloc_thread(struct proc *p, int hart, const struct thread *fork_of)
{
    struct thread *t = thread_alloc();
    if (!t)
        return NULL;
    t->proc = p;
    t->as = p->as;
    t->hart = hart;
    /* A fresh thread may take a spare root (and its kernel stack) its process kept. */
    void *stack = fork_of ? NULL : activation_unstash(t, p);
    int err = 0;
    if (!stack) {
        uint64_t stack_pa = page_alloc_order(KSTACK_ORDER);
        stack = stack_pa ? pa_to_va(stack_pa) : NULL;
        /* A failed activation_init has undone itself; only a stack that was built is given back here. */
        err = !stack ? E_NOMEM : activation_init(t, p, fork_of);
    }
    t->kstack = (uint64_t)stack;
    t->kstack_top = t->kstack + ((uint64_t)PAGE_SIZE << KSTACK_ORDER);
    if (!err && idtable_insert(&thread_table, (struct idobj *)t) < 0) {
        activation_fini(t);
        err = E_NOMEM;
    }
    if (err) {
        if (stack)
            page_free_order(va_to_pa(stack), KSTACK_ORDER);
        thread_free(t);
        return NULL;
    }
    return t;
}

static void free_unstarted(struct thread *t)
{
    idtable_remove(&thread_table, t->id);
    activation_fini(t);
    page_free_order(va_to_pa((void *)t->kstack), KSTACK_ORDER);
    epoch_defer(&t->epoch_entry, free_thread);
}

/*
 * Maps the root activation, links t into p and queues it, unless p started
 * dying meanwhile. An unborn process's first thread is linked but queued
 * only when spawn or fork publishes the process (proc_publish).
 */
static bool start_thread(struct proc *p, struct thread *t)
{
    if (activation_map_root(t, p->as) != 0)
        return false;
    lock_acquire(&p->lock);
    bool unborn = p->state == P_EMBRYO;
    bool ok = unborn || proc_alive(p);
    if (ok) {
        t->sib_next = p->threads;
        p->threads = t;
        p->nlive++;
        p->nheld++;
    }
    lock_release(&p->lock);
    if (ok && !unborn)
        sched_enqueue_new(t);
    return ok;
}

/*
 * Creates a thread of p that will enter p's _start with a0..a5 = args (a1
 * becomes its tid) on hart `hart`, and queues it (an unborn p's first
 * thread waits for proc_publish).
 */
struct thread *thread_create(struct proc *p, int hart, const uint64_t args[6])
{
    struct thread *t = alloc_thread(p, hart, NULL);
    if (!t)
        return NULL;
    uint64_t a[6] = { args[0], (uint64_t)t->id, args[2], args[3], args[4], args[5] };
    thread_restart(t, p->entry, a);
    if (!start_thread(p, t)) {
        free_unstarted(t);
        return NULL;
    }
    return t;
}

/*
 * The child of a fork resumes where `parent` trapped, with a0 = 0, on a
 * copy of the parent's root activation at the parent's addresses and of
 * its size, so pointers into it stay valid. Its own migrations and threads
 * use slots no other live thread has (activation_init).
 */
struct thread *thread_fork(struct proc *c, struct thread *parent)
{
    struct thread *t = alloc_thread(c, parent->hart, parent);
    if (!t)
        return NULL;
    activation_copy(t, parent);
    *thread_frame(t) = *thread_frame(parent);
    tf_set_return(thread_frame(t), 0);
    t->ctx.ra = (uint64_t)thread_trampoline;
    t->ctx.sp = (uint64_t)thread_frame(t);
    if (!start_thread(c, t)) {
        free_unstarted(t);
        return NULL;
    }
    return t;
}

/* Builds the frame that trap_exit pops: user mode, interrupts on, at pc, on the root activation. */
void thread_restart(struct thread *t, uint64_t pc, const uint64_t args[6])
{
    struct trapframe *tf = thread_frame(t);
    tf_init_user(tf, pc, t->act.frame[0].va, args);
    t->ctx.ra = (uint64_t)thread_trampoline;
    t->ctx.sp = (uint64_t)tf;
}

/*
 * Last step of a dead thread, run by the next thread on its hart once t
 * is off it for good. Only now may a joiner see it as a zombie and free
 * it, and only now does it stop holding its process up: before, its hart
 * was still on its stack and maybe its page table. The epoch section keeps
 * p and the joiner valid until both are done with.
 */
void thread_release(struct thread *t)
{
    struct proc *p = t->proc;
    epoch_enter();
    lock_acquire(&p->lock);
    /* A kept root becomes a spare of p before p can be torn down (nheld, below). */
    if (!activation_stash(t, (void *)t->kstack))
        page_free_order(va_to_pa((void *)t->kstack), KSTACK_ORDER);
    t->kstack = 0;
    t->zombie = t->zombie_pending;
    bool reap = !t->zombie;
    struct thread *joiner = t->joiner;
    p->nheld--;
    lock_release(&p->lock);
    if (joiner)
        sched_wake(joiner);
    if (reap)
        thread_reap(t);
    proc_release(p);
    epoch_exit();
}

/* Removes a thread object for good; its kernel stack is already gone. */
void thread_reap(struct thread *t)
{
    idtable_remove(&thread_table, t->id);
    epoch_defer(&t->epoch_entry, free_thread);
}

static void unlink_thread(struct proc *p, struct thread *t)
{
    for (struct thread **pp = &p->threads; *pp; pp = &(*pp)->sib_next) {
        if (*pp == t) {
            *pp = t->sib_next;
            return;
        }
    }
}

/*
 * Called at the root frame only. A thread of a living process becomes a
 * zombie, to be joined, once it is off its hart (thread_release); the last
 * thread, or one of a dying process, is reaped then instead. The last
 * thread out of a living process makes it exit with its value.
 */
void thread_exit(long value)
{
    struct thread *t = hart_self()->current;
    struct proc *p = t->proc;
    notify_thread_exit(t);
    activation_retire(t);
    lock_acquire(&p->lock);
    t->exit_value = value;
    bool last = --p->nlive == 0;
    bool alive = proc_alive(p);
    t->zombie_pending = alive && !last;
    if (!t->zombie_pending)
        unlink_thread(p, t);
    lock_release(&p->lock);
    if (last && alive)
        proc_kill(p, value & 0xff);
    sched_exit();
}

/*
 * Posts work for t. Blocked, it wakes; on another hart, the IPI brings it
 * into the kernel; either way it sees the work on its way out. The IPI is
 * only added to ipi: the caller sends it (hartmask_ipi) once it holds no
 * lock, one per hart, whether t was blocked or running there.
 */
void thread_poke(struct thread *t, uint32_t work, struct hartmask *ipi)
{
    ck_pr_or_32(&t->work, work);
    /*
     * The work bits must be visible before the loads of t->state (in
     * sched_unblock) and t->hart, and before the store that raises the
     * IPI, which the caller makes later (hartmask_ipi).
     * The target publishes its state and hart before it tests work on its
     * way to user mode, so either it sees the bits or we see where it is
     * and wake or interrupt it there; a hart the IPI reaches then finds
     * them on its way out. ck promises no order for ck_pr_or_32, and
     * RVWMO lets a later load or store to another address be performed
     * before it; the full fence (fence iorw,iorw in ck's GCC port) orders
     * it before every later load and store, device writes included.
     */
    ck_pr_fence_memory();
    sched_unblock(t);
    int hart = ck_pr_load_int(&t->hart);
    if (hart != hart_self()->index)
        hartmask_add(ipi, hart);
}

/*
 * Whether a blocking call should give up: an abort or an unwind needs the
 * thread out of the kernel; a kill only once it is back in its root process.
 */
bool thread_interrupted(struct thread *t)
{
    uint32_t w = ck_pr_load_32(&t->work);
    return (w & (WORK_ABORT | WORK_UNWIND)) || ((w & WORK_KILL) && t->act.depth == 0);
}

static bool listed(struct proc *p, struct thread *t)
{
    lock_assert_held(&p->lock);
    for (struct thread *x = p->threads; x; x = x->sib_next)
        if (x == t)
            return true;
    return false;
}

/*
 * Waits for t, a thread of the caller's process, to exit, and reaps it.
 * A thread is unlinked from its process before it is freed, and only under
 * the process lock, so t may be touched only after listed() says so.
 * One joiner at a time.
 */
long thread_join(struct thread *t, long *value)
{
    struct thread *self = hart_self()->current;
    struct proc *p = t->proc;
    long r = 1;
    while (r > 0) {
        lock_acquire(&p->lock);
        if (!listed(p, t)) {
            r = E_NOENT;
        } else if (thread_interrupted(self)) {
            if (t->joiner == self)
                t->joiner = NULL;
            r = E_KILLED;
        } else if (t->joiner && t->joiner != self) {
            r = E_BUSY;
        } else if (t->zombie) {
            *value = t->exit_value;
            unlink_thread(p, t);
            r = 0;
        } else {
            t->joiner = self;
        }
        lock_release(&p->lock);
        if (r == 0)
            thread_reap(t);
        else if (r > 0)
            sched_block();
    }
    return r;
}

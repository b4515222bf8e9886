/* SPDX-License-Identifier: BSD-2-Clause */
#include <ipc/migrate.h>
#include <arch/entry.h>
#include <core/activation.h>
#include <core/notify.h>
#include <core/thread.h>
#include <core/proc.h>
#include <mm/aspace.h>
#include <mm/tlb.h>
#include <arch/mmu.h>
#include <sync/epoch.h>
#include <base/hart.h>
#include <sync/kernel.h>
#include <sync/inject.h>
#include <debug/trace.h>
#include <migrant/errno.h>
#include <migrant/syscall.h>
#include <ck_pr.h>
#include <lib/compiler.h>

#define CALL_FWD  1u
#define CALL_TAIL 2u

static void set_words(struct trapframe *tf, long w0, long w1, const uint64_t d[4])
{
    TF_ARG(tf, 0) = (uint64_t)w0;
    TF_ARG(tf, 1) = (uint64_t)w1;
    for (int i = 0; i < 4; i++)
        TF_ARG(tf, 2 + i) = d[i];
}

static inline __attribute__((always_inline)) void switch_to_top(struct thread *t)
{
    struct aspace *as = activation_top(&t->act)->proc->as;
    t->as = as;
    aspace_activate(as);
}

/*
 * Pops the top frame. A migrated call's caller resumes with {status, pid,
 * d} and the registers it kept (tf_give_back); the temporaries are its
 * exit's to zero. A notification's handler gives back the whole context
 * it interrupted. Returns whether the frame was a call.
 */
static bool pop_frame(struct thread *t, struct trapframe *tf, long status, long pid, const uint64_t d[4])
{
    struct frame *f = activation_top(&t->act);
    bool call = !f->async;
    if (call) {
        TF_PC(tf) = f->ret_pc;
        TF_SP(tf) = f->ret_sp;
        tf_give_back(tf, &t->act.kept[t->act.depth - 1]);
        set_words(tf, status, pid, d);
    } else {
        *tf = t->async_tf[f->async - 1];
        notify_finish(t, f);
    }
    trace_migrate_out(t);
    activation_pop(&t->act);
    return call;
}

/*
 * Returns from the top frame. A frame below whose process has died is
 * popped in turn, its caller getting E_DIED; the root frame of a dying
 * root process ends the thread on its way out (migrate_check). Returns
 * whether the last frame popped was a call.
 */
static bool return_down(struct thread *t, struct trapframe *tf, long status, long pid, const uint64_t d[4])
{
    static const uint64_t zero[4];
    struct activation *a = &t->act;
    bool call;
    for (;;) {
        call = pop_frame(t, tf, status, pid, d);
        struct proc *below = activation_top(a)->proc;
        if (a->depth == 0 || proc_alive(below))
            break;
        status = E_DIED;
        pid = below->id;
        d = zero;
    }
    /* Signals wait for the root frame; this may be the moment they can go. */
    if (a->depth == 0 && ck_pr_load_64(&t->proc->signals))
        ck_pr_or_32(&t->work, WORK_NOTIFY);
    switch_to_top(t);
    return call;
}

/*
 * The process pid names, or NULL; inside an epoch section. A repeated call
 * needs no table lookup: the frame this depth used last time names its
 * process, and if it is still parked there and that process has this pid
 * (ids carry a generation, so a reused slot has another), that is the
 * callee. Dereferencing f->proc is safe: a process is freed only after a
 * grace period that begins after its teardown took its parked frames back
 * (PARKED -> GONE, a full-fenced CAS, then the defer), and this section
 * was announced, behind ck_epoch_begin's fence, before this hart read
 * PARKED; so the grace period must wait for it. The caller's steps that
 * follow (the claim, the count, the alive test) are the same as after a
 * lookup.
 */
static inline struct proc *find_callee(struct activation *a, long pid)
{
    struct frame *f = &a->frame[a->depth + 1];
    if (ck_pr_load_int(&f->state) == FRAME_PARKED && f->pid == pid)
        return f->proc;
    return idtable_lookup(&proc_table, pid);
}

/* Every way of migrating in: checks first, then the point of no return. */
static int call(struct thread *t, struct trapframe *tf, unsigned kind)
{
    struct activation *a = &t->act;
    struct frame *top = activation_top(a);
    long pid = (long)TF_ARG(tf, 0);
    int err = 0;
    long eid = 0;
    struct proc *callee = NULL;

    inject_delay();
    /*
     * A frame the kernel entered (a root frame, a notification handler) has
     * eid 0, which marks kernel starts; forwarding it would let any process
     * forge one, so fwd and kick need a frame with a real caller. A
     * notification handler's frame ends only by responding, which gives
     * back the context it interrupted: a tail or kick would replace the
     * frame and lose that context, so they are refused from it too.
     */
    if (unlikely(pid <= 0) || ((kind & CALL_TAIL) && (a->depth == 0 || top->async)) ||
        ((kind & CALL_FWD) && top->eid == 0)) {
        err = E_INVAL;
    } else {
        eid = (kind & CALL_FWD) ? top->eid : top->pid;
        epoch_enter();
        callee = find_callee(a, pid);
        err = !callee ? E_NOENT
            : (kind & CALL_TAIL) ? activation_replace(t, callee, eid)
            : activation_push_parked(a, callee, eid, TF_PC(tf), TF_SP(tf)) ? 0
            : activation_push(t, callee, eid, TF_PC(tf), TF_SP(tf));
        /* Once entered, our frame in callee->inside keeps callee from being freed. */
        epoch_exit();
    }
    if (err) {
        /* Refused at once: the reply is {err, pid 0, zero words}. */
        set_words(tf, err, 0, (const uint64_t[4]){ 0 });
        return IPC_SAME;
    }
    /*
     * Point of no return: the frame is in. A call that returns here keeps
     * the caller's registers (a tail's caller kept its own already); the
     * callee enters _start(eid, tid, d0..d3) with d0..d3 already in a2..a5
     * and nothing else of ours (the temporaries are the exit's to zero,
     * ipc_entered's on the full exit).
     */
    if (!(kind & CALL_TAIL))
        tf_keep(tf, &a->kept[a->depth - 1]);
    tf_clear_kept(tf);
    TF_PC(tf) = callee->entry;
    TF_SP(tf) = activation_top(a)->va;
    TF_ARG(tf, 1) = (uint64_t)t->id;
    TF_ARG(tf, 0) = (uint64_t)eid;
    switch_to_top(t);
    trace_migrate_in(t, (kind & CALL_TAIL) ? TRACE_TAIL : TRACE_CALL);
    return IPC_LIGHT;
}

static __attribute__((noinline)) int resp_slow(struct thread *t, struct trapframe *tf)
{
    uint64_t d[4] = { TF_ARG(tf, 2), TF_ARG(tf, 3), TF_ARG(tf, 4), TF_ARG(tf, 5) };
    return return_down(t, tf, 0, activation_top(&t->act)->proc->id, d) ? IPC_LIGHT : IPC_FULL;
}

/*
 * The common response: a call frame over a live caller that is not its
 * root frame's last chance to take signals. The rest is resp_slow.
 */
static int resp(struct thread *t, struct trapframe *tf)
{
    struct activation *a = &t->act;
    inject_delay();
    if (a->depth == 0) {
        TF_ARG(tf, 0) = (uint64_t)E_INVAL;
        return IPC_SAME;
    }
    struct frame *f = activation_top(a), *below = f - 1;
    if (unlikely(f->async || !proc_alive(below->proc) || (a->depth == 1 && ck_pr_load_64(&t->proc->signals))))
        return resp_slow(t, tf);
    /* Point of no return: the words stay in a2..a5. */
    TF_PC(tf) = f->ret_pc;
    TF_SP(tf) = f->ret_sp;
    tf_give_back(tf, &a->kept[a->depth - 1]);
    TF_ARG(tf, 1) = (uint64_t)f->pid;
    TF_ARG(tf, 0) = 0;
    trace_migrate_out(t);
    activation_pop(&t->act);
    switch_to_top(t);
    return IPC_LIGHT;
}

/*
 * The whole of req, fwd, tail, kick and resp after the kernel entry,
 * called from trap.S with a partial frame: the C path, and with FASTPATH
 * the specification of trap.S's, which does the entry itself and comes
 * here for everything but the common request and response. Pending work
 * (a kill, an unwind, a notification) sends the thread through
 * migrate_check and the full exit instead.
 */
int ipc_entered(struct trapframe *tf)
{
    struct thread *t = hart_self()->current;
    uint64_t nr = TF_SYSNO(tf);
    int how = nr == SYS_IPC_RESP ? resp(t, tf)
                      : call(t, tf, nr == SYS_IPC_REQ ? 0 : nr == SYS_IPC_FWD ? CALL_FWD
                                    : nr == SYS_IPC_TAIL ? CALL_TAIL : CALL_FWD | CALL_TAIL);
    if (unlikely(ck_pr_load_32(&t->work) != 0)) {
        if (how == IPC_LIGHT)
            tf_scrub_temps(tf);
        how = how == IPC_SAME ? IPC_INCOMPLETE : IPC_FULL;
    }
    /* A full exit leaves through ipc_finish (sys/entry.c), which departs there. */
    if (unlikely(how == IPC_FULL || how == IPC_INCOMPLETE)) {
        tlb_fast_falls_back(hart_self());
        return how;
    }
    tlb_return_fast(hart_self());
    kernel_depart((uintptr_t)ipc_entered);
    return how;
}

#ifndef FASTPATH
/* The migration path's entry, when trap.S has no fast path of its own. */
int ipc_fast(struct trapframe *tf)
{
    tlb_enter_fast(hart_self());
    kernel_enter();
    return ipc_entered(tf);
}
#endif

/*
 * Runs on every return to user mode and tests one word in the common
 * case. An abort pops every frame above the root; a dead process on top is
 * unwound from; a killed thread back in its root process exits; a due
 * notification forces a migration into its handler.
 */
void migrate_check(struct thread *t, struct trapframe *tf)
{
    static const uint64_t zero[4];
    struct activation *a = &t->act;
    uint32_t w = ck_pr_load_32(&t->work);
    if (likely(!w))
        return;
    if (w & WORK_ABORT) {
        ck_pr_and_32(&t->work, ~WORK_ABORT);
        while (a->depth > 1)
            pop_frame(t, tf, E_ABORTED, 0, zero);
        if (a->depth == 1 && return_down(t, tf, E_ABORTED, activation_top(a)->proc->id, zero))
            tf_scrub_temps(tf);
    }
    if (w & WORK_UNWIND) {
        ck_pr_and_32(&t->work, ~WORK_UNWIND);
        struct proc *top = activation_top(a)->proc;
        if (a->depth > 0 && !proc_alive(top) &&
            return_down(t, tf, E_DIED, top->id, zero))
            tf_scrub_temps(tf);
    }
    if (a->depth == 0 && ((w & WORK_KILL) || !proc_alive(t->proc)))
        thread_exit(EXIT_KILLED);
    if (w & WORK_NOTIFY) {
        ck_pr_and_32(&t->work, ~WORK_NOTIFY);
        notify_deliver(t, tf);
    }
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A thread's activation stack: ACT_STACK_SIZE bytes of pages that belong
 * to the thread, carved into one activation per frame. The root frame is
 * the thread's own stack in its root process; each migration pushes a frame
 * whose activation (the callee's reservation, proc->act_size) lies just
 * below the caller's, and maps only that activation's pages into the
 * callee. Earlier activations are never mapped there, so the callee cannot
 * touch them. The frame records themselves live in the kernel's struct
 * thread, out of user reach.
 */
#ifndef CORE_ACTIVATION_H
#define CORE_ACTIVATION_H

#include <stdbool.h>
#include <stdint.h>
#include <migrant/layout.h>
#include <migrant/syscall.h>
#include <core/frame.h>
#include <core/proc.h>
#include <base/hart.h>
#include <base/printk.h>
#include <ck_pr.h>
#include <lib/compiler.h>

struct proc;
struct thread;
struct aspace;

int activation_init(struct thread *t, struct proc *root, const struct thread *fork_of);
void activation_fini(struct thread *t);
void activation_retire(struct thread *t);
bool activation_stash(struct thread *t, void *block);
void *activation_unstash(struct thread *t, struct proc *p);
void activation_drain(struct proc *p);
long activation_kept_pages(struct proc *p);
int activation_map_root(struct thread *t, struct aspace *as);
int activation_map_root_new(struct thread *t, struct aspace *as, void **run);
void activation_move_root(struct thread *t, void *run);
void activation_copy(struct thread *dst, const struct thread *src);
int activation_push(struct thread *t, struct proc *callee, long eid, uint64_t ret_pc, uint64_t ret_sp);
int activation_replace(struct thread *t, struct proc *callee, long eid);
long activation_count(struct proc *p);
void activation_kick(struct proc *p);
void activation_evict(struct proc *p, struct aspace *as);
bool activation_unclaim(struct frame *f);

static inline struct frame *activation_top(struct activation *a)
{
    return &a->frame[a->depth];
}

/* The top of the stack in a slot; activations grow down from here. */
static inline uint64_t activation_slot_va(uint32_t slot)
{
    return USER_ACT_BASE + (uint64_t)slot * USER_ACT_SLOT + USER_ACT_SLOT;
}

/*
 * Where the next activation would start: below the top one, in this
 * thread's own slot. Each frame keeps it (`below`): base - size, or for
 * the root its slot's top - size (a forked child's root lies in its
 * parent's slot).
 */
static inline uint64_t activation_next_base(const struct activation *a)
{
    return a->frame[a->depth].below;
}

static inline bool activation_fits(const struct activation *a, uint64_t base, uint64_t size)
{
    return size <= base - (activation_slot_va(a->slot) - ACT_STACK_SIZE);
}

/*
 * The per-hart count of frames active in p. A frame is counted from
 * before it checks that p is alive until after it parked, and the killer
 * marks p dying before it sums the counts (proc_release), with full
 * ordering on both sides, so either the killer sees the frame or the
 * frame sees p dying and calls proc_release itself. An exec closing p
 * (P_EXEC, then its sum) pairs with it the same way (proc_vacated).
 *
 * Only this hart writes its count, so the add need not be atomic; it is
 * one sequentially consistent read-modify-write for its ordering, which
 * gcc emits as `fence iorw,ow; amoadd.d.aq`. The leading fence orders
 * every earlier load and store before the count's store (parking: the
 * frame's PARKED before the decrement, see activation_park); the
 * acquire orders every later load after it (the alive test that
 * follows). ck's ck_pr_add promises no order under RMO, and a ck fence on
 * each side would cost two full fences instead.
 */
static inline void activation_count_active(struct proc *p, long delta)
{
    struct proc_count *c = (struct proc_count *)((char *)p->active + hart_self()->line_off);
    __atomic_fetch_add(&c->n, delta, __ATOMIC_SEQ_CST);
}

/* Parks f: its activation stays mapped in its process for the next call like it. */
static inline void activation_park(struct frame *f)
{
    struct proc *p = f->proc;
    assert(ck_pr_load_int(&f->state) == FRAME_ACTIVE);   /* only the owner's active frame parks */
    /* A notification's marks go with it: the next call into f finds them 0. */
    f->async = 0;
    f->crit = 0;
    /*
     * PARKED must be visible before the count drops. A teardown that sums
     * the counts to zero (proc_release) then reads every frame inside p
     * (activation_evict, behind act_lock's acquire): had the decrement
     * overtaken this store, as RVWMO allows two stores to different words
     * to do, it would find this frame still ACTIVE, skip it, and leave it
     * parked in a dead process. The count's update is sequentially
     * consistent (activation_count_active): its leading fence orders this
     * store before it.
     */
    ck_pr_store_int(&f->state, FRAME_PARKED);
    activation_count_active(p, -1);
    if (unlikely(!proc_open(p)))
        proc_vacated(p);
}

/* Returns from the top frame: inline, since every response does it. */
static inline void activation_pop(struct activation *a)
{
    struct frame *f = activation_top(a);
    assert(a->depth > 0 && a->depth < ACT_MAX_DEPTH);   /* never the root frame; push stops below the spare */
    a->depth--;
    activation_park(f);
}

/*
 * Enters f, parked in callee: claimed first (PARKED -> ACTIVE), then
 * counted active, then callee's state read. False if callee took f back
 * (nothing changed) or has closed (the claim is undone). The return point
 * is the caller's.
 *
 * The claim comes first so that callee's memory stays valid without an
 * epoch section: a teardown or exec that finds f claimed waits until it
 * is not (activation_evict), and the count, which a closer reads after
 * storing its state, comes after the claim. The count's update is
 * sequentially consistent (fence iorw,ow; amoadd.d.aq): it orders the
 * claim's store and its own before the state load, against a closer that
 * stores the state, fences, and then reads the counts and the frames
 * (proc_kill, close_for_exec): either this hart reads the new state and
 * undoes the claim, or the closer reads the count (and waits for it) and
 * activation_kick finds f ACTIVE (and pokes its thread).
 */
static inline bool activation_enter_parked(struct frame *f, struct proc *callee, long eid,
                                           uint64_t ret_pc, uint64_t ret_sp)
{
    if (unlikely(!ck_pr_cas_int(&f->state, FRAME_PARKED, FRAME_ACTIVE)))
        return false;
    activation_count_active(callee, 1);
    if (unlikely(!proc_open(callee)))
        return activation_unclaim(f);
    f->eid = eid;
    f->ret_pc = ret_pc;
    f->ret_sp = ret_sp;
    return true;
}

/*
 * The fast way in, inline on the migration path: the frame this depth
 * used last time is still parked in the same process at the same place,
 * so its entries are mapped and only its state flips. It writes the
 * thread's own frame and this hart's count, nothing shared. False, with
 * nothing changed, sends the caller to activation_push, which also tries
 * the depth's other way (alt).
 */
static inline bool activation_push_parked(struct activation *a, struct proc *callee, long eid,
                                          uint64_t ret_pc, uint64_t ret_sp)
{
    /*
     * No depth test: at the deepest depth f is the spare record
     * (frame[ACT_MAX_DEPTH]), which is never PARKED. Only the top frame
     * parks (activation_pop, activation_replace's old one, both below the
     * spare), or a frame that was PARKED (activation_unclaim).
     */
    struct frame *f = &a->frame[a->depth + 1];
    if (f->state != FRAME_PARKED || f->proc != callee ||
        f->base != activation_next_base(a) || f->size != ck_pr_load_64(&callee->act_size))
        return false;
    if (!activation_enter_parked(f, callee, eid, ret_pc, ret_sp))
        return false;
    a->depth++;
    return true;
}

#endif

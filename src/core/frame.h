/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The types of a thread's activation stack (core/activation.h has the
 * operations): what struct thread embeds, without the process internals
 * the operations need.
 */
#ifndef CORE_FRAME_H
#define CORE_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <migrant/layout.h>
#include <migrant/syscall.h>
#include <arch/kept.h>

struct proc;
struct thread;

#define ACT_PAGES ((int)(ACT_STACK_SIZE / 4096))
#define ACT_WAYS  2

enum frame_state {
    FRAME_FREE,                  /* nothing: no process knows it */
    FRAME_ACTIVE,                /* the thread is in proc at this depth */
    FRAME_PARKED,                /* returned; still linked and mapped in proc for the next call */
    FRAME_GONE,                  /* proc took it back (teardown, exec): as good as free */
};

/*
 * state changes by the thread alone, except PARKED -> GONE by the process
 * and the CAS that decides between them.
 */
struct frame {
    int state;                   /* enum frame_state; atomic */
    struct proc *proc;           /* the process this activation runs in */
    long pid;                    /* proc->id, kept: trap.S reads a caller's pid with one load */
    long eid;                    /* effective caller it was entered with (0: the kernel) */
    uint64_t ret_pc, ret_sp;     /* where the frame below resumes when this one returns */
    uint64_t base, size;         /* the activation: [base - size, base), in way 0's window */
    uint64_t va;                 /* where it is: base, plus USER_ACT_WAY in way 1 (kept: trap.S loads it) */
    uint64_t below;              /* the base of a frame pushed above it (activation_next_base; kept: trap.S loads it) */
    void *run;                   /* its page-table entries in proc's space (pt_map_run) */
    struct thread *thread;
    struct frame *inside_next, *inside_prev;   /* in proc->inside; under proc->act_lock */
    /* Both 0 in a PARKED frame (activation_park), so entering one leaves them. */
    uint8_t async;               /* forced by a notification: 1 + index of the saved context */
    uint8_t crit;                /* a critical handler: START_TIMER or START_IRQ (only with async), else 0 */
    uint8_t way;                 /* whose pages and window: 0, or 1 (the root is in 0) */
} __attribute__((aligned(128)));   /* a power of two, so frame[depth] is a shift, not a multiply */

struct activation {
    int depth;                   /* index of the top frame; frame[0] is the root */
    int high;                    /* no record above this depth (frame[] or alt[]) was ever used */
    uint32_t slot;               /* this thread's slot in the activation window */
    uint64_t root_va;            /* slot address of frame 0 (a forked child keeps its parent's, and holds that slot) */
    bool root_kept;              /* exited with its root left mapped, for a spare (activation_retire) */
    uint32_t root_image;         /* the process's execs then: the image whose space holds the mapping */
    /*
     * Physical pages, by way and offset in the slot's stack; way 1's are
     * taken when a depth first needs a second way, and go at exit.
     */
    uint64_t pages[ACT_WAYS][ACT_PAGES];
    long page_owner[ACT_WAYS][ACT_PAGES];   /* pid whose data pages[w][i] may hold, 0 while it is zero (fresh) */
    struct frame frame[ACT_MAX_DEPTH + 1];   /* one spare for tail calls, never PARKED (activation_push_parked) */
    /*
     * kept[d]: the registers frame d's caller context keeps while it waits
     * in a call to frame d + 1 (tf_keep at the call, tf_give_back at the
     * return). A tail call replaces frame d + 1 and leaves kept[d] alone:
     * the reply goes to the same caller.
     */
    struct kept_regs kept[ACT_MAX_DEPTH];
    /*
     * alt[d]: the other way of depth d, a frame parked in another process
     * than frame[d]'s, at the same offset in the other window, on the
     * other way's pages (activation_push). Only frame[d] can be on the
     * stack; the slow path swaps the two.
     */
    struct frame alt[ACT_MAX_DEPTH];
    struct frame moving;         /* swap_ways' scratch record */
};

_Static_assert(sizeof(struct kept_regs) == sizeof(struct frame),
               "trap.S reaches kept[depth] and frame[depth] from one depth * FRAME_SIZE");

#endif

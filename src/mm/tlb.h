/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TLB shootdown that never waits with a lock held and never waits for a
 * hart that cannot be using the translation (docs/locking.md, "TLB
 * shootdown").
 *
 * The kernel never uses user translations: it reaches user memory through
 * the direct map. So a hart in the kernel needs no fence when a user
 * mapping goes; it only has to flush before it next runs user code. Each
 * hart counts its crossings of the user/kernel line in tlb_seq (odd: in
 * the kernel), and on every return to user compares the flush generation
 * of the space it returns into with the one it last flushed for. A
 * flusher bumps the generation and then looks only for harts that run the
 * space in user mode; it interrupts them all with one IPI and, where its
 * caller needs it, waits (holding no lock) until each one's tlb_seq has
 * moved: that hart has entered the kernel since, and will flush before it
 * runs user code again.
 */
#ifndef MM_TLB_H
#define MM_TLB_H

#include <stdbool.h>
#include <stdint.h>
#include <base/hart.h>
#include <mm/aspace.h>
#include <arch/mmu.h>
#include <arch/cpu.h>
#include <lib/compiler.h>
#include <sync/bkl.h>

/*
 * What a flusher still owes its caller: the harts in user mode on the
 * space, which it waits for (targets), and the harts in the kernel on it,
 * whose walkers may cache tables (lazy): page-table pages go back only
 * after those pass too, but nobody waits for them (tlb_free_tables).
 */
struct tlb_wait {
    const struct aspace *as;
    struct hartmask targets;
    struct hartmask lazy;
    uint32_t seq[MAX_HARTS];     /* each picked hart's tlb_seq when it was picked */
};

/*
 * Every entry from user mode, before anything else of the kernel's (the
 * big lock too: a flusher that holds it waits for this count). The
 * increment is one ordered AMO: its .rl orders the user code's accesses
 * before it, so a flusher that reads the odd count and frees a page is
 * ordered after this hart's last user store to it; its .aq orders it
 * before every later access, so a cur_as that a flusher reads after the
 * count was written after it.
 */
static inline __attribute__((always_inline)) void tlb_enter_kernel(struct hart *h)
{
    cpu_add_ordered(&h->tlb_seq, 1);
}

/* The return to user, moving the count by `step` (tlb_return_user, tlb_return_fast). */
static inline __attribute__((always_inline)) void tlb_return(struct hart *h, uint32_t step)
{
    struct aspace *as = h->cur_as;
    cpu_add_ordered(&h->tlb_seq, step);
    uint64_t gen = ck_pr_load_64(&as->flush_gen);
    uint64_t *seen = &h->tlb_seen[as->asid];
    if (unlikely(*seen != gen)) {
        tlb_flush_local(as->asid);
        *seen = gen;
    }
}

/*
 * Every return to user mode, after the last satp switch. The count must
 * be visible before the generation is read (the store-buffering shape,
 * against tlb_shoot's bump then read): either this hart reads the
 * flusher's generation and flushes here, or the flusher reads the even
 * count and interrupts this hart. The AMO's .rl also orders the cur_as
 * store of aspace_activate before the count, so a flusher that sees the
 * even count sees the space too; its .aq orders the count before the
 * generation load.
 */
static inline __attribute__((always_inline)) void tlb_return_user(struct hart *h)
{
    tlb_return(h, 1);
}

/*
 * The migration path (trap.S, ipc_entered) is short and waits for no hart in
 * user mode, so in the fine build it does not count its entry: it counts
 * as still in user mode, and a flusher that picks it waits for its way
 * out, which moves the count by two. A satp switch on the way publishes
 * cur_as with release order (aspace_activate), so a flusher that reads
 * the new space is ordered after the user code's last access through the
 * old one. If the path falls back to the full exit, it counts its entry
 * then. In the bkl build it counts its entry at once, like any entry:
 * it is about to wait for the big lock, which a flusher may hold.
 */
#ifdef LOCKING_bkl
#define TLB_FAST_ENTRY 1u
#else
#define TLB_FAST_ENTRY 0u
#endif

static inline __attribute__((always_inline)) void tlb_enter_fast(struct hart *h)
{
    if (TLB_FAST_ENTRY)
        cpu_add_ordered(&h->tlb_seq, 1);
}

static inline __attribute__((always_inline)) void tlb_fast_falls_back(struct hart *h)
{
    if (!TLB_FAST_ENTRY)
        cpu_add_ordered(&h->tlb_seq, 1);
}

static inline __attribute__((always_inline)) void tlb_return_fast(struct hart *h)
{
    tlb_return(h, 2 - TLB_FAST_ENTRY);
}

void tlb_init(void);
void tlb_setup_harts(void);
void tlb_shoot(struct aspace *as, struct tlb_wait *w);
void tlb_wait(struct tlb_wait *w);
void tlb_free_tables(const struct tlb_wait *w, uint64_t chain);
void tlb_poll(void);
long tlb_pending(void);

#endif

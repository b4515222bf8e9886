/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-hart state: one cache-line-aligned struct per hart, reached through
 * tp. The index is dense (0..nharts-1) and is what the rest of the kernel
 * and user space call a hart; the hart id is the firmware's name for it,
 * which is sparse on real boards.
 */
#ifndef BASE_HART_H
#define BASE_HART_H

#include <stdint.h>
#include <stdbool.h>
#include <ck_epoch.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <base/config.h>
#include <sync/lock.h>

struct thread;
struct tlb_defer;

/* A hart's run queue (core/sched.c). */
struct runq {
    /* Protects head, tail and the state of threads homed here; class runq, rank 50, irqs off. */
    struct lock lock;
    struct thread *head, *tail;
};

/* What a secondary hart loads before it can run C (see boot.S). */
struct hart_boot {
    uint64_t satp;
    uint64_t stack_top;
    struct hart *hart;
};

struct hart {
    /*
     * Crossings of the user/kernel line, odd in the kernel; written by its
     * hart only, read by TLB shootdowns (mm/tlb.h) on other harts. First,
     * so the AMO that moves it needs no address arithmetic.
     */
    uint32_t tlb_seq;

    /* Touched by trap.S (offsets from asm-offsets.c). */
    uint64_t kstack_top;         /* kernel stack of the running thread */
    uint64_t scratch;            /* user sp while the trap path switches stacks, or the migration path calls C */
    uint64_t scratch_t0;         /* user t0 while trap_entry tells a migration call from other traps */

    /* Written once at boot, read-only afterwards. */
    int index;
    uint64_t line_off;           /* index * CACHE_LINE: this hart's entry in per-hart arrays of lines (proc.active) */
    uint64_t hartid;
    struct hart_boot boot;

    /* Private to this hart: only it reads or writes them. */
    struct thread *current;
    struct thread *idle;
    struct thread *timers;       /* threads homed here with an armed timer */
    struct aspace *cur_as;       /* the user space in satp; read by TLB shootdowns (mm/tlb.h) on other harts */
    struct tlb_defer *tlb_deferred;  /* page-table pages this hart freed, waiting (mm/tlb.c) */
    uint64_t *tlb_seen;          /* by ASID: the flush generation this hart last flushed it for */
    ck_epoch_record_t epoch;
#ifdef LOCKING_bkl
    struct lock *bkl;            /* the big lock, one load away for trap.S's fast path */
#endif
    uint32_t npcache;            /* free pages cached here, read racily by stats */
    uint64_t pcache[PCACHE_MAX]; /* their frame numbers */
    uint32_t nbcache[BCACHE_ORDERS];              /* free blocks of order 1 + i cached here, read racily */
    uint64_t bcache[BCACHE_ORDERS][BCACHE_MAX];   /* their first frames' numbers */
    uint8_t drain;               /* another hart ran out: give the caches back at the next tick */
    bool irq_held;               /* sys_hold's user mode: IPIs held off until the next interrupt or trap (sys/hold.h) */
#ifdef INJECT
    uint64_t inject_rng;         /* sync/inject.c's generator */
#endif
#ifdef LOCKDEBUG
    int nheld;
    struct lock *held[LOCKDEBUG_DEPTH];
    bool bkl_held;               /* LOCKING=bkl only */
#endif

    struct runq runq;            /* has its own lock */
} __attribute__((aligned(HART_SIZE)));   /* also its size: boot.S walks harts[] */

/*
 * A set of harts, by index: the IPIs a path owes, collected under a lock
 * and sent after it (hartmask_ipi), one per hart however many of its
 * threads were poked.
 */
struct hartmask {
    uint64_t bits[(MAX_HARTS + 63) / 64];
};

static inline void hartmask_add(struct hartmask *m, int index)
{
    m->bits[index / 64] |= 1ull << (index % 64);
}

static inline bool hartmask_has(const struct hartmask *m, int index)
{
    return (m->bits[index / 64] >> (index % 64)) & 1;
}

extern struct hart harts[MAX_HARTS];
extern int nharts;

static inline struct hart *hart_self(void) { return cpu_hart(); }
struct hart *hart_by_index(int index);
struct hart *hart_add(uint64_t hartid);
int hart_index_of(uint64_t hartid);
void hartmask_ipi(const struct hartmask *m);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A user address space: a page table with its ASID, and the list of
 * regions mapped in it. Every user page is reference counted so regions
 * can later be shared between spaces.
 */
#ifndef MM_ASPACE_H
#define MM_ASPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sync/lock.h>
#include <base/hart.h>
#include <arch/mmu.h>
#include <ck_pr.h>
#include <ck_epoch.h>
#include <lib/compiler.h>


enum region_kind {
    RG_IMAGE,                    /* loaded from an ELF file */
    RG_HEAP,                     /* mem_alloc */
    RG_STACK,                    /* a thread's user stack */
    RG_DEVICE,                   /* device MMIO; frames are not RAM, never refcounted */
    RG_SHM,                      /* a shared region's pages, one reference per mapping */
};

struct region {
    uint64_t start, end;
    unsigned prot;
    enum region_kind kind;
    bool revoked;                /* being unmapped: its entries are invalid, its frames not yet given back */
};

struct aspace {
    uint64_t root;               /* fixed */
    uint64_t satp;               /* fixed: what switches a hart to it */
    uint16_t asid;               /* fixed */
    uint64_t seen_off;           /* fixed: asid * 8, trap.S's index into hart.tlb_seen */
    /*
     * TLB shootdown (mm/tlb.h): a flusher bumps flush_gen; each hart
     * compares it, on every return to user mode here, with what it last
     * flushed this ASID for (its own table, hart.tlb_seen) and flushes
     * locally on a mismatch. Each space starts its generations at a value
     * no space had before (aspace_create), so each hart flushes the ASID
     * before it first runs user code here: that is what makes a freed
     * ASID reusable at once (arch/riscv/asid.c). These fields are what a
     * migration reads; nothing but a flusher writes this line.
     */
    uint64_t flush_gen;          /* atomic */
    /* Protects regions and the user half of the page table; class aspace, rank 30, irqs off. */
    struct lock lock __attribute__((aligned(64)));
    struct region regions[AS_MAX_REGIONS];
    int nregions;
    ck_epoch_entry_t epoch_entry;  /* the struct outlives aspace_destroy by a grace period */
};

void aspace_init(void);
struct aspace *aspace_create(void);
void aspace_destroy(struct aspace *as);
void aspace_flush(struct aspace *as, uint64_t tables);

/*
 * Switches this hart to `as` (NULL: the kernel's table). The hart says
 * which space it runs only after satp has changed: aspace_destroy waits
 * for every hart to stop saying it runs a space before it frees the
 * tables. Whether the TLB must be flushed for `as` is decided on the way
 * back to user mode (tlb_return_user), not here, ASID 0 included. Inline:
 * every migration switches spaces.
 */
static inline void aspace_activate(struct aspace *as)
{
    struct hart *h = hart_self();
    if (!as) {
        mmu_activate_kernel();
        ck_pr_store_ptr(&h->cur_as, NULL);
        return;
    }
    mmu_activate(as->satp);
    /*
     * ASID 0 is every space's that has none of its own (no ASID bits, or
     * every ASID live), so its entries may be another space's, cached
     * while that one was in satp. Forgetting which generation this hart
     * flushed it for makes the next return to user flush it, after the
     * last switch (tlb_return). A switch that returns to user at once
     * needs no reset: the generations of two spaces never match, so its
     * own check flushes unless the entries are this space's (trap.S's
     * ipc_depart relies on that).
     */
    if (unlikely(as->asid == 0))
        h->tlb_seen[0] = 0;
    /* Release: the migration fast path's user accesses come before it (mm/tlb.h). */
    __atomic_store_n(&h->cur_as, as, __ATOMIC_RELEASE);
}
int aspace_map_anon(struct aspace *as, uint64_t va, uint64_t size, unsigned prot, enum region_kind kind);
long aspace_alloc(struct aspace *as, uint64_t size, uint64_t lo, uint64_t hi, enum region_kind kind);
int aspace_unmap(struct aspace *as, uint64_t va, uint64_t size, enum region_kind kind);
long aspace_map_device(struct aspace *as, uint64_t pa, uint64_t size);
long aspace_map_pages(struct aspace *as, const uint64_t *pages, unsigned n);
long aspace_region_size(struct aspace *as, uint64_t va, enum region_kind kind);
int aspace_clone(struct aspace *dst, struct aspace *src);
int aspace_write(struct aspace *as, uint64_t va, const void *src, size_t len);
int copy_from_user(struct aspace *as, void *dst, uint64_t uva, size_t len);
int copy_to_user(struct aspace *as, uint64_t uva, const void *src, size_t len);
int user_range_ok(struct aspace *as, uint64_t uva, size_t len, bool write);

#endif

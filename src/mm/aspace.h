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
};

struct aspace {
    uint64_t root;               /* fixed */
    uint64_t satp;               /* fixed: what switches a hart to it */
    uint16_t asid;               /* fixed */
    /*
     * TLB shootdown without a global flush: aspace_flush bumps flush_gen
     * and fences only the harts running this space now; every other hart
     * compares its seen[] entry on its next switch in (aspace_activate).
     */
    uint64_t flush_gen;          /* atomic */
    struct {
        uint64_t gen;            /* written by its hart only */
    } __attribute__((aligned(64))) seen[MAX_HARTS];
    /* Protects regions and the user half of the page table; class aspace, rank 30, irqs off. */
    struct lock lock;
    struct region regions[AS_MAX_REGIONS];
    int nregions;
};

void aspace_init(void);
struct aspace *aspace_create(void);
void aspace_destroy(struct aspace *as);
void aspace_flush(struct aspace *as);

/*
 * Switches this hart to `as` (NULL: the kernel's table). The hart says
 * which space it runs before it reads the flush generation, and
 * aspace_flush bumps the generation before it looks at which harts run
 * the space, so one of the two always flushes. It says so only after
 * satp has changed: aspace_destroy waits for every hart to stop saying
 * it runs a space before it frees the tables. Inline: every migration
 * switches spaces.
 */
static inline void aspace_activate(struct aspace *as)
{
    struct hart *h = hart_self();
    if (!as) {
        mmu_activate_kernel();
        ck_pr_store_ptr(&h->cur_as, NULL);
        return;
    }
    mmu_activate(as->satp, as->asid);
    ck_pr_store_ptr(&h->cur_as, as);
    ck_pr_fence_memory();
    uint64_t gen = ck_pr_load_64(&as->flush_gen);
    if (unlikely(as->seen[h->index].gen != gen)) {
        tlb_flush_local(as->asid);
        as->seen[h->index].gen = gen;
    }
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

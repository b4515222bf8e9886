/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Page tables and address-space identifiers, as generic code sees them.
 * A page table is named by the physical address of its root.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/layout.h>
#include <arch/csr.h>

#define PROT_R 1u
#define PROT_W 2u
#define PROT_X 4u
#define PROT_U 8u

uint64_t pt_create(void);
void pt_destroy(uint64_t root);
int pt_map(uint64_t root, uint64_t va, uint64_t pa, unsigned prot);
bool pt_revoke(uint64_t root, uint64_t va);
uint64_t pt_unmap(uint64_t root, uint64_t va);
int pt_map_run(uint64_t root, uint64_t va, const uint64_t *pas, unsigned n, unsigned prot, void **run);
void pt_unmap_run(void *run, uint64_t va, unsigned n, uint16_t asid);
bool pt_query(uint64_t root, uint64_t va, uint64_t *pa, unsigned *prot);
uint64_t pt_prune(uint64_t root, uint64_t start, uint64_t end);
void pt_free_chain(uint64_t chain);

void mmu_init(void);
/*
 * Without ASIDs (asid 0 for all) every switch must flush; with them a
 * switch needs none, because entries of different ASIDs never match.
 * Inline: every migration switches spaces.
 */
static inline uint64_t mmu_satp(uint64_t root, uint16_t asid)
{
    return SATP_MODE_SV39 | ((uint64_t)asid << SATP_ASID_SHIFT) | (root >> 12);
}

/* No fence here: what the hart caches for the ASID is decided on the way back to user (mm/tlb.h). */
static inline void mmu_activate(uint64_t satp)
{
    csr_write_satp(satp);
}
void mmu_activate_kernel(void);
uint64_t mmu_kernel_satp(void);

static inline void tlb_flush_local(uint16_t asid)
{
    __asm__ volatile("sfence.vma zero, %0" : : "r"((uint64_t)asid) : "memory");
}
#define ASID_COUNT 4096          /* ASIDs handed out at most (12 bits; satp has room for 16) */
unsigned asid_bits(void);
int asid_alloc(uint16_t *asid);
void asid_free(uint16_t asid);

#endif

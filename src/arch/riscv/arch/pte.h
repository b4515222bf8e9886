/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sv39 page-table entries, for the page-table code, the kernel's own
 * mappings and boot.S: plain constants, so assembly can use them too.
 */
#ifndef ARCH_PTE_H
#define ARCH_PTE_H

#define PTE_V    0x001
#define PTE_R    0x002
#define PTE_W    0x004
#define PTE_X    0x008
#define PTE_U    0x010
#define PTE_G    0x020
#define PTE_A    0x040
#define PTE_D    0x080
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)   /* any of them makes an entry a leaf */
#define PTES     512

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef uint64_t pte_t;

static inline uint64_t pte_pa(pte_t e) { return (e >> 10) << 12; }
static inline unsigned pte_index(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 0x1ff; }
/* The bytes one entry of a table at level maps: 4 KiB, 2 MiB, 1 GiB. */
static inline uint64_t pte_span(int level) { return 1ul << (12 + 9 * level); }
#endif

#endif

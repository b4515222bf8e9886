/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's own mappings (kmap.c): one set of tables, built once on the
 * boot hart and shared by every address space, which maps nothing both
 * writable and executable.
 */
#ifndef ARCH_KMAP_H
#define ARCH_KMAP_H

#include <stdint.h>
#include <arch/pte.h>

void kmap_init(void);                 /* builds the tables (mmu_init moves onto them) */
uint64_t kmap_root(void);             /* their root's physical address */
pte_t kmap_leaf(uint64_t va);         /* the leaf that maps va in the active table, or 0 */
const char *kmap_region(uint64_t va); /* what lies at va, in words, for a panic */

#endif

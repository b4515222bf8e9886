/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's virtual layout (Sv39). Shared by C and assembly.
 *   0xffffffc000000000  direct map of the first 64 GiB of physical space
 *   0xffffffff80000000  the kernel image, wherever it was loaded
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define PAGE_SHIFT    12
#define PAGE_SIZE     4096
#define DMAP_BASE     0xffffffc000000000
#define DMAP_GIGS     64
#define KERNEL_VBASE  0xffffffff80000000
/* The kernel image, bss included, must fit in this many 2 MiB pages. */
#define KERNEL_MEGAS  16

/*
 * Sizes the C structs are built to (static asserts hold them): struct
 * hart's, which boot.S steps through harts[] by, and the trap frame's
 * (regs[0] holds sepc, regs[1..31] x1..x31). The assembly's field offsets
 * come from the structs (asm-offsets.c).
 */
#define HART_SIZE     2048
#define TF_SIZE       288

#ifndef __ASSEMBLER__
#include <stdint.h>
/* The kernel reaches all physical memory, user pages too, through the direct map. */
static inline void *pa_to_va(uint64_t pa) { return (void *)(DMAP_BASE + pa); }
static inline uint64_t va_to_pa(const void *va) { return (uint64_t)va - DMAP_BASE; }
#endif

#endif

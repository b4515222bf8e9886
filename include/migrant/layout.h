/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user address-space layout and the first-entry convention, shared by
 * the kernel and the user runtime.
 */
#ifndef MIGRANT_LAYOUT_H
#define MIGRANT_LAYOUT_H

/* Programs are linked at USER_TEXT; nothing is ever mapped below it. */
#define USER_TEXT        0x10000ul
/* mem_alloc places private memory in [USER_HEAP, USER_HEAP_END). */
#define USER_HEAP        0x1000000000ul
#define USER_HEAP_END    0x2000000000ul
/* Device MMIO mapped by devmem_map lands in [USER_DEV, USER_DEV_END). */
#define USER_DEV         0x2000000000ul
#define USER_DEV_END     0x2800000000ul
/* Shared regions mapped by shm_map land in [USER_SHM, USER_SHM_END). */
#define USER_SHM         0x2800000000ul
#define USER_SHM_END     0x3000000000ul
/*
 * Each thread's activation stack (ACT_STACK_SIZE, syscall.h) sits at the
 * top of its own slot, so no two live threads ever overlap in any process
 * they migrate into. The lower half of every slot is never mapped: a guard.
 * The window of slots is there twice: a depth's second parked frame (its
 * other way) lies USER_ACT_WAY higher, in the same slot of the second
 * window, on pages of its own.
 */
#define USER_ACT_BASE    0x3000000000ul
#define USER_ACT_SLOT    0x20000ul           /* 128 KiB of address space a thread */
#define USER_ACT_WAY     0x40000000ul        /* way 1's window: 1 GiB above way 0's */
#define USER_ACT_SLOTS   4096
/* First address that is not user space (Sv39 lower half). */
#define USER_TOP         0x4000000000ul

/*
 * A thread enters a process at _start(pid, tid, d0, d1, d2, d3) in a0..a5.
 * pid 0 means the kernel started it; then d0 says why.
 */
#define START_MAIN       0   /* a process's first thread; d1..d3 are 0 */
#define START_THREAD     1   /* thread_create(hart, d1, d2, d3) */
#define START_SIGNAL     2   /* d1 = the signal bits, delivered once; root frame only */
#define START_TIMER      3   /* d1 = expiries since the last delivery */
#define START_IRQ        4   /* d1 = the PLIC source; it stays masked until ipc_resp */

#endif

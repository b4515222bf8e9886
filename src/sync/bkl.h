/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The big kernel lock, for the LOCKING=bkl build that users compare the
 * fine-grained kernel against. It is taken when a hart enters the kernel
 * and released when it leaves (kernel_enter and kernel_exit, called only
 * at the kernel's boundary: trap dispatch, the migration path, a new
 * thread's first exit, and the idle loop around wfi). The hart, not the
 * thread, holds it, so it stays held across context switches. In that
 * build every fine-grained lock compiles to nothing; everything else, the
 * lock-free paths included, is the same code. In the fine build these
 * compile to nothing instead.
 */
#ifndef SYNC_BKL_H
#define SYNC_BKL_H

#ifdef LOCKING_bkl
#define LOCKING_NAME "bkl"
struct lock;
extern struct lock *const bkl;
void kernel_enter(void);
void kernel_exit(void);
#else
#define LOCKING_NAME "fine"
static inline void kernel_enter(void) {}
static inline void kernel_exit(void) {}
#endif

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the syscall handlers share. The syscall boundary is the only code
 * that decodes a trap frame's registers and checks rights: a handler
 * checks every argument in the order docs/syscalls.md gives, calls one
 * typed kernel function, and returns the value for a0, which the
 * dispatcher writes. A handler with more results writes a1.. itself.
 */
#ifndef SYS_SYS_H
#define SYS_SYS_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/trapframe.h>
#include <base/hart.h>
#include <core/proc.h>
#include <core/thread.h>
#include <ck_pr.h>

/* A handler's return when a0 must stay as it is: exit, and an exec that started a new image. */
#define SYS_NORESULT (-0x7fffffffffffffffl - 1)

static inline struct thread *caller(void) { return hart_self()->current; }

/* The process the caller runs in now: its root, or the server it migrated into. */
static inline struct proc *caller_proc(void) { return proc_current(); }

static inline bool caller_at_root(void) { return caller()->act.depth == 0; }

/* Rights are those of the process the thread runs in now, not of its root. */
static inline bool caller_may(uint32_t right) { return ck_pr_load_32(&caller_proc()->rights) & right; }

static inline uint64_t page_round(uint64_t x) { return (x + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

long find_own_thread(long tid, struct thread **out);

#endif

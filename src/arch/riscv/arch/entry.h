/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The symbols that cross between trap.S and C, and the codes by which the
 * migration fast path (ipc_fast) tells trap.S how to leave. Shared by C
 * and assembly.
 */
#ifndef ARCH_ENTRY_H
#define ARCH_ENTRY_H

/* How trap.S leaves an IPC syscall (the fast entry saved only ra, sp, tp, pc and a0..a7). */
#define IPC_SAME       0         /* failed: a0 set, the caller's registers still live */
#define IPC_LIGHT      1         /* migrated: pc, sp, a0..a5 set, every other register zeroed */
#define IPC_INCOMPLETE 2         /* failed, and work is due: save the live registers, then ipc_finish */
#define IPC_FULL       3         /* the frame is whole: ipc_finish, then the full exit */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trapframe;
struct context;
struct thread;

/* Assembly, called from C. */
struct thread *context_switch(struct context *from, struct context *to, struct thread *prev);
void thread_trampoline(void);    /* a new thread's first ra: entry_first_run, then trap_exit */
void trap_entry(void);           /* stvec */

/* C, called from trap.S. */
void trap_handle(struct trapframe *tf);
int ipc_entered(struct trapframe *tf);
#ifndef FASTPATH
int ipc_fast(struct trapframe *tf);
#endif
void ipc_finish(struct trapframe *tf);
void entry_first_run(struct thread *prev);
#endif

#endif

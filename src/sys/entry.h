/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generic kernel entry: what the arch trap code calls once it has
 * decoded a trap, and the one way back to user mode (kernel_leave).
 */
#ifndef SYS_ENTRY_H
#define SYS_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

struct trapframe;

/* The interrupts the kernel knows, whatever the arch calls them. */
enum irq_kind {
    IRQ_TIMER,                   /* this hart's tick */
    IRQ_IPI,                     /* another hart poked this one */
    IRQ_EXTERNAL,                /* the interrupt controller has a source to claim */
};

void entry_syscall(struct trapframe *tf);
void entry_interrupt(struct trapframe *tf, enum irq_kind kind, bool from_user);
void entry_fault(struct trapframe *tf, long cause);
void kernel_leave(struct trapframe *tf, uintptr_t site);

#endif

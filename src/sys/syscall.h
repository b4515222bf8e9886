/* SPDX-License-Identifier: BSD-2-Clause */
/* The syscall table: every argument checked before anything changes. */
#ifndef SYS_SYSCALL_H
#define SYS_SYSCALL_H

#include <stdint.h>

struct trapframe;

void syscall_dispatch(struct trapframe *tf);
/* The function that handles syscall nr (0 if none): what the profiler names it by. */
uintptr_t syscall_handler(uint64_t nr);

#endif

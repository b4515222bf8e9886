/* The syscall table: every argument checked before anything changes. */
#ifndef SYSCALL_H
#define SYSCALL_H

struct trapframe;

void syscall_dispatch(struct trapframe *tf);

#endif

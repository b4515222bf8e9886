/*
 * Thread migration: req, fwd, tail, kick and resp, and the unwinding that
 * death, faults and aborts cause. docs/ipc.md states the rules.
 */
#ifndef IPC_MIGRATE_H
#define IPC_MIGRATE_H

struct thread;
struct trapframe;

void sys_ipc_frame(struct trapframe *tf);
void sys_ipc_abort(struct trapframe *tf);
void sys_ipc_depth(struct trapframe *tf);
void migrate_check(struct thread *t, struct trapframe *tf);

#endif

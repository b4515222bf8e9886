/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thread migration: req, fwd, tail, kick and resp, and the unwinding that
 * death, faults and aborts cause. docs/ipc.md states the rules.
 */
#ifndef IPC_MIGRATE_H
#define IPC_MIGRATE_H

struct thread;
struct trapframe;

void migrate_check(struct thread *t, struct trapframe *tf);

#endif

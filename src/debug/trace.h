/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event tracer behind `make trace` (TRACE=1 builds): each hart records
 * migrations in and out, syscalls, interrupts, context switches and
 * contended lock waits into a buffer of its own, stamped with the time
 * CSR, between a start and a stop it is told of on that hart; the trace
 * syscall dumps every hart's buffer on the console (tools/trace.py turns
 * it into Chrome trace-event JSON). In other builds every hook is a macro
 * that expands to nothing and evaluates none of its arguments, and the
 * syscall answers E_NOSYS.
 */
#ifndef DEBUG_TRACE_H
#define DEBUG_TRACE_H

#include <stdint.h>

struct thread;

/* How a thread came into its new top frame (trace_migrate_in). */
enum trace_how {
    TRACE_CALL,                  /* req or fwd: a frame pushed */
    TRACE_TAIL,                  /* tail or kick: the top frame replaced */
    TRACE_NOTIFY,                /* a notification forced a handler frame */
};

/* The trace syscall's operation (TRACE_START, _STOP, _DUMP); E_NOSYS in other builds. */
long trace_control(uint64_t op);

#ifdef TRACE
/* t has just entered its new top frame. */
void trace_migrate_in(const struct thread *t, enum trace_how how);
/* t is about to leave its top frame for the one below. */
void trace_migrate_out(const struct thread *t);
void trace_syscall(uint64_t nr);
void trace_irq(unsigned kind, int from_user);
/* The hart is about to switch from prev (its state already set) to next. */
void trace_switch(const struct thread *prev, const struct thread *next);
/* A lock of class cls came free after this hart had waited for it since start. */
void trace_lock_wait(unsigned cls, uint64_t start);
uint64_t trace_now(void);
/* Runs `spin` (waiting for a lock of class cls) and records how long it took. */
#define trace_wait(cls, spin)                \
    do {                                     \
        uint64_t trace_start_ = trace_now(); \
        spin;                                \
        trace_lock_wait(cls, trace_start_);  \
    } while (0)
#else
#define trace_migrate_in(t, how) ((void)0)
#define trace_migrate_out(t) ((void)0)
#define trace_syscall(nr) ((void)0)
#define trace_irq(kind, from_user) ((void)0)
#define trace_switch(prev, next) ((void)0)
#define trace_wait(cls, spin) spin
#endif

#endif

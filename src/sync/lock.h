/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel spinlocks: ck's test-and-set spinlock, plus the lock's class
 * (sync/lockclass.h) in the builds that check or measure locks. The kernel
 * runs with interrupts off, so every lock is taken with interrupts off and
 * no irq-save variant exists. No lock is ever held across a context switch
 * or on return to user mode.
 *
 * Test-and-set rather than a ticket lock: under QEMU the harts are host
 * threads the host may deschedule, and a ticket lock then makes every hart
 * wait for a next holder that is not running.
 *
 * The checker (LOCKDEBUG, sync/lockdebug.h), the statistics (PROFILE,
 * sync/lockstat.h) and the tracer (TRACE, debug/trace.h: a contended
 * wait) hook in around the spinlock; in other builds the hooks compile to
 * nothing and a lock is its spinlock alone.
 */
#ifndef SYNC_LOCK_H
#define SYNC_LOCK_H

#include <ck_spinlock.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/inject.h>

enum lock_class {
#define LOCK_CLASS(id, name, rank, protects) LC_##id,
#include <sync/lockclass.h>
#undef LOCK_CLASS
    LOCK_NCLASSES
};

/* The checker, the statistics and the tracer need to know which class a lock is. */
#if defined(LOCKDEBUG) || defined(PROFILE) || defined(TRACE)
#define LOCK_NAMED
#endif

struct lock {
    ck_spinlock_fas_t sl;
#ifdef LOCK_NAMED
    enum lock_class cls;
#endif
#ifdef LOCKDEBUG
    int owner;           /* hart index + 1 of the holder, 0 when free */
#endif
};

#ifdef LOCK_NAMED
#define LOCK_INIT(c) { .sl = CK_SPINLOCK_FAS_INITIALIZER, .cls = (c) }
/* The class names, from sync/lockclass.h: what the checker and the statistics print. */
extern const char *const lock_class_name[LOCK_NCLASSES];
#else
#define LOCK_INIT(c) { .sl = CK_SPINLOCK_FAS_INITIALIZER }
#endif

/* The hooks need only struct lock's name; they read its fields in their own files. */
#include <sync/lockdebug.h>
#include <sync/lockstat.h>
#include <debug/trace.h>

static inline void lock_init(struct lock *l, enum lock_class c)
{
    (void)c;
    *l = (struct lock)LOCK_INIT(c);
}

/*
 * The spinlock itself, shared by the fine-grained locks and the big lock.
 * It tries once before it spins, so the statistics can tell a contended
 * acquisition; uncontended, that is the same one swap as a plain lock.
 */
static inline void spin_lock(struct lock *l)
{
    uint64_t start = lockstat_now();
    bool contended = !ck_spinlock_fas_trylock(&l->sl);
    if (contended)
        trace_wait(l->cls, ck_spinlock_fas_lock(&l->sl));
    lockstat_acquired(l, start, contended);
}

static inline void spin_unlock(struct lock *l)
{
    lockstat_release(l);
    ck_spinlock_fas_unlock(&l->sl);
    inject_delay();
}

#if defined(LOCKING_bkl)
/* The big lock serializes the kernel; the fine-grained locks compile to nothing (sync/bkl.h). */
static inline void lock_acquire(struct lock *l) { (void)l; }
static inline void lock_release(struct lock *l) { (void)l; }
#else
/* The rank is checked before the spin: a lock taken out of order might never come free. */
static inline void lock_acquire(struct lock *l)
{
    lockdebug_acquire(l);
    spin_lock(l);
    lockdebug_acquired(l);
}

static inline void lock_release(struct lock *l)
{
    lockdebug_release(l);
    spin_unlock(l);
}
#endif

#endif

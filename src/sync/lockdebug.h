/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The LOCKDEBUG checker. In the fine build it keeps a per-hart stack of
 * held locks and panics, naming both locks, on an acquisition out of rank
 * order (sync/lockclass.h), on a lock taken twice or released out of
 * order, on lock_assert_held() of a lock this hart does not hold, and on
 * any lock held at a context switch or on return to user mode. In the
 * bkl build it checks that a hart never enters the kernel twice or leaves
 * it without the big lock. In other builds every hook compiles to nothing.
 */
#ifndef SYNC_LOCKDEBUG_H
#define SYNC_LOCKDEBUG_H

struct lock;

#if defined(LOCKDEBUG) && !defined(LOCKING_bkl)
void lockdebug_acquire(const struct lock *l);    /* before the spin */
void lockdebug_acquired(struct lock *l);
void lockdebug_release(struct lock *l);           /* before the unlock */
void lock_assert_held(const struct lock *l);
void lock_assert_none_held(void);
#else
static inline void lockdebug_acquire(const struct lock *l) { (void)l; }
static inline void lockdebug_acquired(struct lock *l) { (void)l; }
static inline void lockdebug_release(struct lock *l) { (void)l; }
static inline void lock_assert_held(const struct lock *l) { (void)l; }
static inline void lock_assert_none_held(void) {}
#endif

#if defined(LOCKDEBUG) && defined(LOCKING_bkl)
void lockdebug_kernel_enter(void);               /* before the big lock is taken */
void lockdebug_kernel_exit(void);                /* before it is released */
#else
static inline void lockdebug_kernel_enter(void) {}
static inline void lockdebug_kernel_exit(void) {}
#endif

#endif

/*
 * Kernel spinlocks: ck_spinlock underneath, plus a rank and a name so the
 * LOCKDEBUG build can check the order in docs/locking.md. The kernel runs
 * with interrupts off, so every lock is taken with interrupts off and no
 * irq-save variant exists. No lock is ever held across a context switch or
 * on return to user mode.
 */
#ifndef SYNC_LOCK_H
#define SYNC_LOCK_H

#include <ck_spinlock.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/inject.h>

/* Ranks: a hart may take a lock only if its rank is above every lock it holds. */
enum lock_rank {
    RANK_BKL = 0,        /* the LOCKING=bkl build's one lock (sync/bkl.h); named for statistics only */
    RANK_IDTABLE = 10,   /* id allocation in a lookup table */
    RANK_FAMILY = 15,    /* parent/child links, zombies and waiters, all processes */
    RANK_PROC = 20,      /* one process's threads, children and state */
    RANK_ACT = 25,       /* one process's activation bookkeeping: the frames inside it */
    RANK_ASPACE = 30,    /* one address space's regions and page table */
    RANK_ASID = 35,      /* the ASID bitmap */
    RANK_SLOTS = 40,     /* the activation-slot bitmap */
    RANK_SHM = 42,       /* one shared region's grants */
    RANK_IRQ = 45,       /* binding PLIC sources to threads */
    RANK_RUNQ = 50,      /* one hart's run queue */
    RANK_SLAB = 60,      /* one slab cache's slab lists */
    RANK_PAGE = 70,      /* the buddy free lists of one memory region */
    RANK_CONSOLE = 90,   /* the console UART; leaf */
};

/* The checker (LOCKDEBUG) and the statistics (PROFILE) need to know which lock this is. */
#if defined(LOCKDEBUG) || defined(PROFILE)
#define LOCK_NAMED
#endif

struct lock {
    ck_spinlock_t sl;
#ifdef LOCK_NAMED
    const char *name;
    enum lock_rank rank;
    int owner;           /* LOCKDEBUG: hart index + 1 of the holder, 0 when free */
    uint64_t since;      /* PROFILE: when the holder got it, in timebase ticks */
#endif
};

#ifdef LOCK_NAMED
#define LOCK_INIT(n, r) { CK_SPINLOCK_INITIALIZER, (n), (r), 0, 0 }
#else
#define LOCK_INIT(n, r) { CK_SPINLOCK_INITIALIZER }
#endif

void lock_init(struct lock *l, const char *name, enum lock_rank rank);

#if defined(LOCKING_bkl)
/* The big lock serializes the kernel; the fine-grained locks compile to nothing (sync/bkl.h). */
static inline void lock_acquire(struct lock *l) { (void)l; }
static inline void lock_release(struct lock *l) { (void)l; }
static inline void lock_assert_held(const struct lock *l) { (void)l; }
static inline void lock_assert_none_held(void) {}
#else
#ifdef LOCK_NAMED
void lock_acquire(struct lock *l);
void lock_release(struct lock *l);
#else
static inline void lock_acquire(struct lock *l) { ck_spinlock_lock(&l->sl); }
static inline void lock_release(struct lock *l)
{
    ck_spinlock_unlock(&l->sl);
    inject_delay();
}
#endif
#ifdef LOCKDEBUG
void lock_assert_held(const struct lock *l);
void lock_assert_none_held(void);
#else
static inline void lock_assert_held(const struct lock *l) { (void)l; }
static inline void lock_assert_none_held(void) {}
#endif
#endif

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#include <sync/bkl.h>
#include <base/config.h>

#ifdef LOCKING_bkl
#include <sync/lock.h>

/*
 * Protects all kernel state in the bkl build; class big kernel lock, rank 0,
 * irqs off. Its rank is never checked: it is the only lock of its build.
 * The same test-and-set spinlock as every lock of the fine build
 * (sync/lock.h), so the comparison is fair; trap.S's fast path takes and
 * drops it inline (non-debug builds), through hart.bkl.
 */
static struct {
    struct lock lock;
} __attribute__((aligned(CACHE_LINE))) bkl_line = { LOCK_INIT(LC_BKL) };

/*
 * Every kernel entry writes the lock, so it is alone on its line: make
 * coherence found shm_table, defer_cache and tlb.c's deferred count on
 * it, which every entry then took from whoever used them.
 */
struct lock *const bkl = &bkl_line.lock;

void kernel_enter(void)
{
    lockdebug_kernel_enter();
    spin_lock(bkl);
}

void kernel_exit(void)
{
    lockdebug_kernel_exit();
    spin_unlock(bkl);
}
#endif

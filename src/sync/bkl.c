/* SPDX-License-Identifier: BSD-2-Clause */
#include <sync/bkl.h>

#ifdef LOCKING_bkl
#include <sync/lock.h>

/*
 * Protects all kernel state in the bkl build; class big kernel lock, rank 0,
 * irqs off. Its rank is never checked: it is the only lock of its build.
 * The same test-and-set spinlock as every lock of the fine build
 * (sync/lock.h), so the comparison is fair; trap.S's fast path takes and
 * drops it inline (non-debug builds), through hart.bkl.
 */
struct lock bkl = LOCK_INIT(LC_BKL);

void kernel_enter(void)
{
    lockdebug_kernel_enter();
    spin_lock(&bkl);
}

void kernel_exit(void)
{
    lockdebug_kernel_exit();
    spin_unlock(&bkl);
}
#endif

#include <sync/bkl.h>
#include <sync/inject.h>

#ifdef LOCKING_bkl
#include <base/hart.h>
#include <base/printk.h>
#include <ck_spinlock.h>
#include <sync/lockstat.h>

/*
 * Protects all kernel state in the bkl build; it has no rank, being the
 * only lock. Test-and-set rather than a ticket lock: under QEMU the harts
 * are host threads that the host may deschedule, and a ticket lock then
 * waits for its next holder to be scheduled while every other hart spins
 * (the same kind of lock as the fine build's, so the comparison is fair).
 */
static ck_spinlock_fas_t bkl = CK_SPINLOCK_FAS_INITIALIZER;
#ifdef PROFILE
static uint64_t bkl_since;       /* when its holder took it; written by the holder */
#endif

void kernel_enter(void)
{
#ifdef LOCKDEBUG
    struct hart *h = hart_self();
    if (h && h->bkl_held)
        panic("ASSERT: kernel entered twice on hart %d", h->index);
#endif
#ifdef PROFILE
    bkl_since = lockstat_acquire(&bkl, RANK_BKL);
#else
    ck_spinlock_fas_lock(&bkl);
#endif
#ifdef LOCKDEBUG
    if (h)
        h->bkl_held = true;
#endif
}

void kernel_exit(void)
{
#ifdef LOCKDEBUG
    struct hart *h = hart_self();
    if (h && !h->bkl_held)
        panic("ASSERT: kernel left without the big lock on hart %d", h->index);
    if (h)
        h->bkl_held = false;
#endif
#ifdef PROFILE
    lockstat_release(RANK_BKL, bkl_since);
#endif
    ck_spinlock_fas_unlock(&bkl);
    inject_delay();
}
#endif

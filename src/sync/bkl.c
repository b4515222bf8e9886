#include <sync/bkl.h>
#include <sync/inject.h>

#ifdef LOCKING_bkl
#include <sync/hart.h>
#include <printk.h>
#include <ck_spinlock.h>
#include <sync/lockstat.h>
#include <arch/cpu.h>

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

/*
 * But test-and-set is unfair, and with the big lock held most of the time
 * that matters: in a hang of make stress HARTS=4 LOCKING=bkl on a 2-core
 * host, two harts sat in kernel_enter in every sample while the other two
 * took turns.
 * A hart that has waited STARVE_SPINS turns claims `starving`, and until
 * it has the lock no other hart tries. One claim at a time, so a waiter
 * waits at most for the claims made before its own.
 */
#define STARVE_SPINS 4096
static int starving = -1;        /* the index of the hart let in first, or -1 */

/* Returns whether it had to wait. */
static bool acquire_bkl(int me)
{
    bool waited = false;
    for (unsigned spins = 0;; spins++) {
        int first = ck_pr_load_int(&starving);
        if ((first < 0 || first == me) && !ck_spinlock_fas_locked(&bkl) &&
            ck_spinlock_fas_trylock(&bkl))
            break;
        waited = true;
        if (spins >= STARVE_SPINS && first < 0 && me >= 0)
            ck_pr_cas_int(&starving, -1, me);
        ck_pr_stall();
    }
    if (me >= 0 && ck_pr_load_int(&starving) == me)
        ck_pr_store_int(&starving, -1);
    return waited;
}

void kernel_enter(void)
{
    struct hart *h = hart_self();
#ifdef LOCKDEBUG
    if (h && h->bkl_held)
        panic("ASSERT: kernel entered twice on hart %d", h->index);
#endif
#ifdef PROFILE
    uint64_t start = cpu_time();
    bool waited = acquire_bkl(h ? h->index : -1);
    bkl_since = lockstat_acquired(RANK_BKL, start, waited);
#else
    acquire_bkl(h ? h->index : -1);
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

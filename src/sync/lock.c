#include <sync/lock.h>
#include <sync/lockstat.h>
#include <base/hart.h>
#include <base/printk.h>

void lock_init(struct lock *l, const char *name, enum lock_rank rank)
{
    ck_spinlock_init(&l->sl);
#ifdef LOCK_NAMED
    l->name = name;
    l->rank = rank;
    l->owner = 0;
    l->since = 0;
#else
    (void)name;
    (void)rank;
#endif
}

#if defined(LOCK_NAMED) && !defined(LOCKING_bkl)
#ifdef LOCKDEBUG
/* Before any struct hart exists (early boot) there is one hart and no order to check. */
static void check_order(struct hart *h, struct lock *l)
{
    if (l->owner == h->index + 1)
        panic("lock %s taken twice on hart %d", l->name, h->index);
    if (h->nheld == LOCKDEBUG_DEPTH)
        panic("lock %s: too many locks held", l->name);
    if (h->nheld > 0) {
        struct lock *top = h->held[h->nheld - 1];
        if (top->rank >= l->rank)
            panic("lock order: %s (rank %d) taken while holding %s (rank %d)",
                  l->name, l->rank, top->name, top->rank);
    }
}

#endif

void lock_acquire(struct lock *l)
{
#ifdef LOCKDEBUG
    struct hart *h = hart_self();
    if (h)
        check_order(h, l);
#endif
#ifdef PROFILE
    l->since = lockstat_acquire(&l->sl, l->rank);
#else
    ck_spinlock_lock(&l->sl);
#endif
#ifdef LOCKDEBUG
    if (h) {
        l->owner = h->index + 1;
        h->held[h->nheld++] = l;
    }
#endif
}

void lock_release(struct lock *l)
{
#ifdef LOCKDEBUG
    struct hart *h = hart_self();
    if (h) {
        if (h->nheld == 0 || h->held[h->nheld - 1] != l)
            panic("lock %s released out of order", l->name);
        h->nheld--;
        l->owner = 0;
    }
#endif
#ifdef PROFILE
    lockstat_release(l->rank, l->since);
#endif
    ck_spinlock_unlock(&l->sl);
    inject_delay();
}

#ifdef LOCKDEBUG
void lock_assert_held(const struct lock *l)
{
    struct hart *h = hart_self();
    if (h && l->owner != h->index + 1)
        panic("ASSERT: lock %s not held by hart %d", l->name, h->index);
}

void lock_assert_none_held(void)
{
    struct hart *h = hart_self();
    if (h && h->nheld)
        panic("ASSERT: %s held on return to user", h->held[h->nheld - 1]->name);
}
#endif
#endif

#include <sync/lock.h>
#include <sync/hart.h>
#include <printk.h>

void lock_init(struct lock *l, const char *name, enum lock_rank rank)
{
    ck_spinlock_init(&l->sl);
#ifdef LOCKDEBUG
    l->name = name;
    l->rank = rank;
    l->owner = 0;
#else
    (void)name;
    (void)rank;
#endif
}

#if defined(LOCKDEBUG) && !defined(LOCKING_bkl)
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

void lock_acquire(struct lock *l)
{
    struct hart *h = hart_self();
    if (h)
        check_order(h, l);
    ck_spinlock_lock(&l->sl);
    if (h) {
        l->owner = h->index + 1;
        h->held[h->nheld++] = l;
    }
}

void lock_release(struct lock *l)
{
    struct hart *h = hart_self();
    if (h) {
        if (h->nheld == 0 || h->held[h->nheld - 1] != l)
            panic("lock %s released out of order", l->name);
        h->nheld--;
        l->owner = 0;
    }
    ck_spinlock_unlock(&l->sl);
    inject_delay();
}

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

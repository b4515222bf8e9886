/* SPDX-License-Identifier: BSD-2-Clause */
#include <sync/lockdebug.h>

#ifdef LOCKDEBUG
#include <sync/lock.h>
#include <base/hart.h>
#include <base/printk.h>

/*
 * Before any struct hart exists (early boot) there is one hart and no
 * order to check, so every check below skips a NULL hart_self().
 */
#ifndef LOCKING_bkl
static const int class_rank[LOCK_NCLASSES] = {
#define LOCK_CLASS(id, name, rank, protects) [LC_##id] = (rank),
#include <sync/lockclass.h>
#undef LOCK_CLASS
};

void lockdebug_acquire(const struct lock *l)
{
    struct hart *h = hart_self();
    if (!h)
        return;
    const char *name = lock_class_name[l->cls];
    if (l->owner == h->index + 1)
        panic("lock %s taken twice on hart %d", name, h->index);
    if (h->nheld == LOCKDEBUG_DEPTH)
        panic("lock %s: too many locks held", name);
    if (h->nheld > 0) {
        const struct lock *top = h->held[h->nheld - 1];
        if (class_rank[top->cls] >= class_rank[l->cls])
            panic("lock order: %s (rank %d) taken while holding %s (rank %d)",
                  name, class_rank[l->cls], lock_class_name[top->cls], class_rank[top->cls]);
    }
}

void lockdebug_acquired(struct lock *l)
{
    struct hart *h = hart_self();
    if (!h)
        return;
    l->owner = h->index + 1;
    h->held[h->nheld++] = l;
}

void lockdebug_release(struct lock *l)
{
    struct hart *h = hart_self();
    if (!h)
        return;
    if (h->nheld == 0 || h->held[h->nheld - 1] != l)
        panic("lock %s released out of order", lock_class_name[l->cls]);
    h->nheld--;
    l->owner = 0;
}

void lock_assert_held(const struct lock *l)
{
    struct hart *h = hart_self();
    if (h && l->owner != h->index + 1)
        panic("ASSERT: lock %s not held by hart %d", lock_class_name[l->cls], h->index);
}

void lock_assert_none_held(void)
{
    struct hart *h = hart_self();
    if (h && h->nheld)
        panic("ASSERT: %s held on return to user", lock_class_name[h->held[h->nheld - 1]->cls]);
}
#else
/* The hart, not the thread, holds the big lock, so the flag is per hart. */
void lockdebug_kernel_enter(void)
{
    struct hart *h = hart_self();
    if (h && h->bkl_held)
        panic("ASSERT: kernel entered twice on hart %d", h->index);
    if (h)
        h->bkl_held = true;
}

void lockdebug_kernel_exit(void)
{
    struct hart *h = hart_self();
    if (h && !h->bkl_held)
        panic("ASSERT: kernel left without the big lock on hart %d", h->index);
    if (h)
        h->bkl_held = false;
}
#endif
#endif

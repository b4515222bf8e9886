/* SPDX-License-Identifier: BSD-2-Clause */
#include <sync/lockstat.h>

#ifdef PROFILE
#include <sync/lock.h>
#include <base/hart.h>
#include <base/printk.h>
#include <string.h>

struct lockstat {
    uint64_t acquired, contended, wait_total, wait_max, hold_max;
};

/* Row h is written only by hart h; a hart with no struct hart yet (early boot) is not counted. */
static struct lockstat stats[MAX_HARTS][LOCK_NCLASSES];
/*
 * When hart h took its lock of class c. A hart holds at most one lock of
 * a class at a time (ranks strictly increase up its stack of held locks),
 * and the big lock is held by the hart, so one entry per hart and class
 * does. Apart from the counts, so a reset in the middle of a hold keeps it.
 */
static uint64_t since[MAX_HARTS][LOCK_NCLASSES];

void lockstat_acquired(const struct lock *l, uint64_t start, bool contended)
{
    struct hart *h = hart_self();
    if (!h)
        return;
    uint64_t now = cpu_time();
    struct lockstat *s = &stats[h->index][l->cls];
    s->acquired++;
    s->contended += contended;
    s->wait_total += now - start;
    if (now - start > s->wait_max)
        s->wait_max = now - start;
    since[h->index][l->cls] = now;
}

void lockstat_release(const struct lock *l)
{
    struct hart *h = hart_self();
    if (!h)
        return;
    uint64_t held = cpu_time() - since[h->index][l->cls];
    struct lockstat *s = &stats[h->index][l->cls];
    if (held > s->hold_max)
        s->hold_max = held;
}

void lockstat_reset_hart(void)
{
    memset(stats[hart_self()->index], 0, sizeof(stats[0]));
}

void lockstat_dump(void)
{
    for (int c = 0; c < LOCK_NCLASSES; c++) {
        struct lockstat sum = { 0 };
        for (int h = 0; h < nharts; h++) {
            struct lockstat *s = &stats[h][c];
            sum.acquired += s->acquired;
            sum.contended += s->contended;
            sum.wait_total += s->wait_total;
            sum.wait_max = s->wait_max > sum.wait_max ? s->wait_max : sum.wait_max;
            sum.hold_max = s->hold_max > sum.hold_max ? s->hold_max : sum.hold_max;
        }
        if (sum.acquired)
            printk("PROFILE-LOCK class=\"%s\" acquired=%lu contended=%lu wait_total=%lu "
                   "wait_max=%lu hold_max=%lu\n", lock_class_name[c],
                   sum.acquired, sum.contended, sum.wait_total, sum.wait_max, sum.hold_max);
    }
}
#endif

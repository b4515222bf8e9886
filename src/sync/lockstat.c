#include <sync/lockstat.h>

#ifdef PROFILE
#include <base/hart.h>
#include <arch/cpu.h>
#include <base/printk.h>
#include <string.h>

#define NCLASSES 100     /* ranks are below this */

struct lockstat {
    uint64_t acquired, contended, wait_total, wait_max, hold_max;
};

/* Row h is written only by hart h; a hart with no struct hart yet (early boot) is not counted. */
static struct lockstat stats[MAX_HARTS][NCLASSES];

/* The names docs/locking.md uses for each class. */
static const char *const class_name[NCLASSES] = {
    [RANK_BKL] = "big kernel lock", [RANK_IDTABLE] = "idtable.lock",
    [RANK_FAMILY] = "family_lock", [RANK_PROC] = "proc.lock", [RANK_ACT] = "act_lock",
    [RANK_ASPACE] = "aspace.lock", [RANK_ASID] = "asid_lock", [RANK_SLOTS] = "slot_lock",
    [RANK_SHM] = "shm.lock", [RANK_IRQ] = "irq_lock", [RANK_RUNQ] = "runq.lock",
    [RANK_SLAB] = "slab_cache.lock", [RANK_PAGE] = "region.lock", [RANK_CONSOLE] = "console_lock",
};

static struct lockstat *row(enum lock_rank rank)
{
    struct hart *h = hart_self();
    return h ? &stats[h->index][rank] : NULL;
}

static uint64_t count_acquired(enum lock_rank rank, uint64_t start, bool contended)
{
    uint64_t now = cpu_time();
    struct lockstat *s = row(rank);
    if (s) {
        s->acquired++;
        s->contended += contended;
        s->wait_total += now - start;
        if (now - start > s->wait_max)
            s->wait_max = now - start;
    }
    return now;
}

uint64_t lockstat_acquire(ck_spinlock_fas_t *sl, enum lock_rank rank)
{
    uint64_t start = cpu_time();
    bool contended = !ck_spinlock_fas_trylock(sl);
    if (contended)
        ck_spinlock_fas_lock(sl);
    return count_acquired(rank, start, contended);
}

void lockstat_release(enum lock_rank rank, uint64_t since)
{
    uint64_t held = cpu_time() - since;
    struct lockstat *s = row(rank);
    if (s && held > s->hold_max)
        s->hold_max = held;
}

void lockstat_reset_hart(void)
{
    memset(stats[hart_self()->index], 0, sizeof(stats[0]));
}

void lockstat_dump(void)
{
    for (int c = 0; c < NCLASSES; c++) {
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
                   "wait_max=%lu hold_max=%lu\n", class_name[c] ? class_name[c] : "?",
                   sum.acquired, sum.contended, sum.wait_total, sum.wait_max, sum.hold_max);
    }
}
#endif

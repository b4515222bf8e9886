/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/mmu.h>
#include <arch/smp.h>
#include <migrant/errno.h>
#include <sync/lock.h>

#define MAX_ASIDS 4096

/* Protects used, dirty and rover; class asid, rank 35, irqs off. */
static struct lock asid_lock = LOCK_INIT(LC_ASID);
static uint64_t used[MAX_ASIDS / 64];    /* held by a live space */
static uint64_t dirty[MAX_ASIDS / 64];   /* freed, may still sit in some hart's TLB */
static unsigned rover;

static bool taken(unsigned a)
{
    return ((used[a / 64] | dirty[a / 64]) >> (a % 64)) & 1;
}

/* The next ASID neither live nor dirty after the rover, or 0. */
static unsigned find_clean(unsigned limit)
{
    for (unsigned n = 1; n < limit; n++) {
        unsigned a = (rover + n) % limit;
        if (a && !taken(a))
            return a;
    }
    return 0;
}

/*
 * A freed ASID is not flushed when it is freed: it is marked dirty and
 * not handed out again until every clean one is used up. Then one flush
 * on every hart cleans them all at once, so a process's death costs no
 * remote fence. ASID 0 is the shared "no ASID" value: with no ASID bits,
 * or with every ASID live, a space runs as 0 and every switch into it
 * flushes the TLB.
 */
int asid_alloc(uint16_t *asid)
{
    unsigned limit = asid_bits() >= 12 ? MAX_ASIDS : 1u << asid_bits();
    lock_acquire(&asid_lock);
    unsigned a = find_clean(limit);
    if (!a) {
        arch_fence_all();
        for (unsigned w = 0; w < MAX_ASIDS / 64; w++)
            dirty[w] = 0;
        a = find_clean(limit);
    }
    if (a) {
        used[a / 64] |= 1ul << (a % 64);
        rover = a;
    }
    lock_release(&asid_lock);
    *asid = (uint16_t)a;
    return 0;
}

/* The space is dead and no hart runs it. */
void asid_free(uint16_t asid)
{
    if (asid == 0)
        return;
    lock_acquire(&asid_lock);
    used[asid / 64] &= ~(1ul << (asid % 64));
    dirty[asid / 64] |= 1ul << (asid % 64);
    lock_release(&asid_lock);
}

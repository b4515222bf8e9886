/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/mmu.h>
#include <migrant/errno.h>
#include <sync/lock.h>


/* Protects used and rover; class asid, rank 35, irqs off. */
static struct lock asid_lock = LOCK_INIT(LC_ASID);
static uint64_t used[ASID_COUNT / 64];    /* held by a live space */
static unsigned rover;

/* The next ASID not live after the rover, or 0. */
static unsigned find_free(unsigned limit)
{
    for (unsigned n = 1; n < limit; n++) {
        unsigned a = (rover + n) % limit;
        if (a && !((used[a / 64] >> (a % 64)) & 1))
            return a;
    }
    return 0;
}

/*
 * A freed ASID may still sit in some harts' TLBs, and is handed out
 * again at once, without any flush here: a space that gets it starts with
 * a flush generation no hart has seen, so each hart flushes the ASID
 * before it first runs user code there (aspace_create, tlb_return_user).
 * A hart that never runs the new space never uses the stale entries. So
 * neither a process's death nor an allocation costs a remote fence, and
 * nothing waits under asid_lock. The rover hands ASIDs out in turn, so
 * the stale entries of one have usually been evicted long before it comes
 * round again. ASID 0 is the shared "no ASID" value: with no ASID bits,
 * or with every ASID live, a space runs as 0 and every switch into it
 * flushes the TLB.
 */
int asid_alloc(uint16_t *asid)
{
    unsigned limit = asid_bits() >= 12 ? ASID_COUNT : 1u << asid_bits();
    lock_acquire(&asid_lock);
    unsigned a = find_free(limit);
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
    lock_release(&asid_lock);
}

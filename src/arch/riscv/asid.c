#include <arch/mmu.h>
#include <migrant/errno.h>
#include <sync/lock.h>

#define MAX_ASIDS 4096

/* Protects used[]; rank RANK_ASID. */
static struct lock asid_lock = LOCK_INIT("asid", RANK_ASID);
static uint64_t used[MAX_ASIDS / 64];
static unsigned rover = 1;

/*
 * ASID 0 is the shared "no ASID" value: with no ASID bits, or when all are
 * taken, a space runs as 0 and every switch into it flushes the TLB.
 */
int asid_alloc(uint16_t *asid)
{
    unsigned limit = asid_bits() >= 12 ? MAX_ASIDS : 1u << asid_bits();
    *asid = 0;
    lock_acquire(&asid_lock);
    for (unsigned n = 1; n < limit; n++) {
        unsigned a = (rover + n) % limit;
        if (a == 0 || (used[a / 64] >> (a % 64)) & 1)
            continue;
        used[a / 64] |= 1ul << (a % 64);
        rover = a;
        *asid = (uint16_t)a;
        break;
    }
    lock_release(&asid_lock);
    return 0;
}

/* The space is dead and no hart runs it; flush before the number is reused. */
void asid_free(uint16_t asid)
{
    tlb_flush_asid(asid);
    if (asid == 0)
        return;
    lock_acquire(&asid_lock);
    used[asid / 64] &= ~(1ul << (asid % 64));
    lock_release(&asid_lock);
}

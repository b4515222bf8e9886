/* SPDX-License-Identifier: BSD-2-Clause */
#include <base/hart.h>
#include <arch/layout.h>
#include <arch/smp.h>
#include <stddef.h>
#include <sync/bkl.h>

_Static_assert(sizeof(struct hart) == HART_SIZE, "boot.S size");

struct hart harts[MAX_HARTS];
/* Grows only on the boot hart before any secondary starts. */
int nharts;

struct hart *hart_by_index(int index)
{
    if (index < 0 || index >= nharts)
        return NULL;
    return &harts[index];
}

struct hart *hart_add(uint64_t hartid)
{
    if (nharts == MAX_HARTS)
        return NULL;
    struct hart *h = &harts[nharts];
    h->index = nharts++;
    h->line_off = (uint64_t)h->index * CACHE_LINE;
#ifdef LOCKING_bkl
    h->bkl = bkl;
#endif
    h->hartid = hartid;
    h->tlb_seq = 1;              /* a hart starts in the kernel */
    return h;
}

int hart_index_of(uint64_t hartid)
{
    for (int i = 0; i < nharts; i++)
        if (harts[i].hartid == hartid)
            return i;
    return -1;
}

/*
 * Interrupts every hart in m but this one; sending waits for none of them.
 * The firmware takes a window of 64 hart ids per call, so harts whose ids
 * are close go in one call.
 */
void hartmask_ipi(const struct hartmask *m)
{
    int self = hart_self()->index;
    uint64_t base = 0, bits = 0;
    for (int i = 0; i < nharts; i++) {
        if (i == self || !hartmask_has(m, i))
            continue;
        uint64_t id = harts[i].hartid;
        if (bits && (id < base || id >= base + 64)) {
            arch_send_ipi_many(base, bits);
            bits = 0;
        }
        if (!bits)
            base = id & ~63ul;
        bits |= 1ul << (id - base);
    }
    if (bits)
        arch_send_ipi_many(base, bits);
}

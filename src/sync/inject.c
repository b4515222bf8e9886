/* SPDX-License-Identifier: BSD-2-Clause */
#include <sync/inject.h>

#ifdef INJECT
#include <base/hart.h>

/*
 * One call in 16 spins up to 1023 times. The generator's state is per hart
 * and written only by its hart, so a single-hart run under -icount stays
 * deterministic and the delays share no cache line between harts.
 */
void inject_delay(void)
{
    struct hart *h = hart_self();
    if (!h)
        return;
    uint64_t x = h->inject_rng ? h->inject_rng : 0x9e3779b97f4a7c15ull + (uint64_t)h->index;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    h->inject_rng = x;
    if (x & 15)
        return;
    for (uint64_t n = (x >> 8) & 1023; n; n--)
        cpu_relax();
}
#endif

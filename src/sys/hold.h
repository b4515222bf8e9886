/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sys_hold, the TLB protocol's test hooks (docs/syscalls.md, "hold").
 * Each opens on purpose, for a bounded time, a window that a shootdown
 * must cope with and that a test could not otherwise keep open: a hart
 * that runs user code and takes no IPI (so it keeps the translations a
 * flusher must wait for), and a hart that stays in the kernel on its
 * space (so its walker may still hold the space's tables). R_HOLD guards
 * it, since a held hart delays every flusher and every IPI aimed at it.
 */
#ifndef SYS_HOLD_H
#define SYS_HOLD_H

#include <base/hart.h>
#include <lib/compiler.h>

void hold_end(struct hart *h);

/*
 * Every interrupt and every trap from user mode but the migration calls
 * (their fast path stays as it is) ends a user-mode hold. The hart, not
 * the thread, is held: a thread switched in on the way out inherits it,
 * and the hold's own tick ends it at the latest.
 */
static inline __attribute__((always_inline)) void hold_check(struct hart *h)
{
    if (unlikely(h->irq_held))
        hold_end(h);
}

#endif

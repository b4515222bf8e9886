/* SPDX-License-Identifier: BSD-2-Clause */
#include <mm/tlb.h>
#include <mm/slab.h>
#include <mm/page.h>
#include <base/printk.h>
#include <sync/lock.h>
#include <ck_pr.h>

/* Page-table pages waiting for the harts in the kernel that may cache them. */
struct tlb_defer {
    struct tlb_defer *next;      /* on the freeing hart's list, which only it touches */
    uint64_t chain;              /* pt_free_chain's list */
    struct tlb_wait w;
};

static struct slab_cache defer_cache;
static long deferred;            /* records on every hart's list; atomic, read by stats */

void tlb_init(void)
{
    slab_cache_init(&defer_cache, "tlb_defer", sizeof(struct tlb_defer));
}

/* Each hart's table of what it last flushed each ASID for; a hart writes only its own. */
void tlb_setup_harts(void)
{
    unsigned order = page_order_for(ASID_COUNT * sizeof(uint64_t));
    for (int i = 0; i < nharts; i++) {
        uint64_t pa = page_alloc_order(order);
        if (!pa)
            panic("no memory for hart %d's ASID table", i);
        harts[i].tlb_seen = pa_to_va(pa);
    }
}

/*
 * Bumps the generation, then sorts the harts that run the space: those
 * in user mode (even count) may hold its translations and are the
 * targets; those in the kernel use none, but their walkers may hold its
 * tables' entries. The unmap's page-table stores come first, then the
 * bump: the AMO's leading fence orders them before it, and its .aq orders
 * it before every hart's count is read (the store-buffering shape against
 * tlb_return: one of the two sees the other). Each count is read before
 * that hart's cur_as, both with acquire order (ld; fence r,rw), so a
 * cur_as read after an even count is at least the one that hart stored
 * before it returned to user. Every target gets the one IPI. This hart
 * flushes lazily, on its own way out.
 */
void tlb_shoot(struct aspace *as, struct tlb_wait *w)
{
    int self = hart_self()->index;
    w->as = as;
    w->targets = (struct hartmask){ 0 };
    w->lazy = (struct hartmask){ 0 };
    __atomic_fetch_add(&as->flush_gen, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < nharts; i++) {
        if (i == self)
            continue;
        uint32_t seq = __atomic_load_n(&harts[i].tlb_seq, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&harts[i].cur_as, __ATOMIC_ACQUIRE) != as)
            continue;
        w->seq[i] = seq;
        hartmask_add(seq & 1 ? &w->lazy : &w->targets, i);
    }
    hartmask_ipi(&w->targets);
}

/* Whether hart i has passed a flush point since tlb_shoot picked it. */
static bool heard(const struct tlb_wait *w, int i)
{
    return __atomic_load_n(&harts[i].tlb_seq, __ATOMIC_ACQUIRE) != w->seq[i] ||
           __atomic_load_n(&harts[i].cur_as, __ATOMIC_ACQUIRE) != w->as;
}

static bool heard_all(const struct tlb_wait *w, const struct hartmask *m)
{
    for (int i = 0; i < nharts; i++)
        if (hartmask_has(m, i) && !heard(w, i))
            return false;
    return true;
}

/*
 * Spins, holding no lock, until every target has entered the kernel or
 * switched away: from then on it runs no user code before it flushes. A
 * target in user mode takes the IPI at once (in the bkl build it counts
 * its entry before it waits for the big lock this hart may hold). The one
 * kind of target that can itself be waiting is the migration fast path,
 * which counts as user mode until it leaves; so a waiter first moves its
 * own count by two (staying in its mode), and two waiters never wait for
 * each other: each read the other's count before its own step. The
 * acquire loads that saw a target pass order the caller's frees after the
 * target's last access through the old translation (tlb_enter_kernel).
 */
void tlb_wait(struct tlb_wait *w)
{
    lock_assert_none_held();
    cpu_add_ordered(&hart_self()->tlb_seq, 2);
    while (!heard_all(w, &w->targets))
        cpu_relax();
}

/*
 * Page-table pages unlinked before tlb_shoot and waited for: they go back
 * now if no hart in the kernel ran the space, else once each of those
 * has left the kernel or switched away (tlb_poll, on this hart's ticks
 * and idle loop). Without memory for the record they go back now: such a
 * hart makes no access through user translations, its walker updates
 * no A/D bit of a table it does not use for an access (the privileged
 * spec makes those updates exact), and it flushes before it runs user
 * code; only the stronger rule is given up.
 */
void tlb_free_tables(const struct tlb_wait *w, uint64_t chain)
{
    struct hart *h = hart_self();
    struct tlb_defer *d;
    if (heard_all(w, &w->lazy) || !(d = slab_alloc(&defer_cache))) {
        pt_free_chain(chain);
        return;
    }
    d->chain = chain;
    d->w = *w;
    d->next = h->tlb_deferred;
    h->tlb_deferred = d;
    ck_pr_inc_64((uint64_t *)&deferred);
}

void tlb_poll(void)
{
    struct hart *h = hart_self();
    for (struct tlb_defer **pp = &h->tlb_deferred, *d; (d = *pp);) {
        if (!heard_all(&d->w, &d->w.lazy)) {
            pp = &d->next;
            continue;
        }
        *pp = d->next;
        pt_free_chain(d->chain);
        slab_free(&defer_cache, d);
        ck_pr_dec_64((uint64_t *)&deferred);
    }
}

long tlb_pending(void)
{
    return (long)ck_pr_load_64((uint64_t *)&deferred);
}

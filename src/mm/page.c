/* SPDX-License-Identifier: BSD-2-Clause */
#include <mm/page.h>
#include <lib/buddy.h>
#include <base/platform.h>
#include <base/printk.h>
#include <string.h>
#include <base/hart.h>
#include <sync/lock.h>
#include <ck_pr.h>
#include <lib/compiler.h>

#define PCACHE_BATCH (PCACHE_MAX / 2)

struct region {
    uint64_t base;               /* physical address of frame 0 */
    struct lock lock;            /* protects buddy; class page, rank 70, irqs off */
    struct buddy buddy;
    uint32_t *refs;              /* mappings of each frame; atomic, no lock */
};

static struct region regions[PLAT_MAX_MEM];
static int nregions;
extern char __image_start[];
static uint64_t image_pa;

uint64_t kernel_pa(const void *sym)
{
    return (uint64_t)sym - (uint64_t)__image_start + image_pa;
}

static struct region *region_of(uint64_t pa)
{
    for (int i = 0; i < nregions; i++) {
        struct region *r = &regions[i];
        if (pa >= r->base && pa < r->base + ((uint64_t)r->buddy.nframes << PAGE_SHIFT))
            return r;
    }
    panic("page %lx is not in any memory region", pa);
}

static uint64_t frame_of(const struct region *r, uint64_t pa) { return (pa - r->base) >> PAGE_SHIFT; }

/*
 * A reserved range withholds every page it touches. Both helpers below must
 * round the same way: a range that does not start on a page boundary (U-Boot
 * leaves the device tree wherever it was) would otherwise end a free run at
 * its first page without being skipped from there.
 */
static uint64_t rsv_first(const struct phys_range *r) { return r->base & ~(uint64_t)(PAGE_SIZE - 1); }

static uint64_t rsv_end(const struct phys_range *r)
{
    return (r->base + r->size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

/* First page at or above `at` in [base, end) that no reserved range covers. */
static uint64_t skip_reserved(uint64_t at, uint64_t end)
{
    bool moved = true;
    while (moved) {
        moved = false;
        for (int i = 0; i < platform.nrsv; i++) {
            const struct phys_range *r = &platform.rsv[i];
            if (at >= rsv_first(r) && at < rsv_end(r)) {
                at = rsv_end(r);
                moved = true;
            }
        }
    }
    return at < end ? at : end;
}

/* End of the free run starting at `at`: the next reserved range, or `end`. */
static uint64_t next_reserved(uint64_t at, uint64_t end)
{
    for (int i = 0; i < platform.nrsv; i++) {
        uint64_t b = rsv_first(&platform.rsv[i]);
        if (b >= at && b < end)
            end = b;
    }
    return end;
}

/* The region's bookkeeping lives in its own first free pages. */
static void init_region(const struct phys_range *m)
{
    uint64_t base = (m->base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t end = (m->base + m->size) & ~(uint64_t)(PAGE_SIZE - 1);
    if (end <= base || end > (uint64_t)DMAP_GIGS << 30)
        return;
    struct region *r = &regions[nregions++];
    uint32_t nframes = (uint32_t)((end - base) >> PAGE_SHIFT);
    uint64_t meta = (uint64_t)nframes * (sizeof(struct buddy_frame) + sizeof(uint32_t));
    uint64_t meta_pa = skip_reserved(base, end);
    if (next_reserved(meta_pa, end) - meta_pa < meta)
        panic("no room for page bookkeeping in %lx..%lx", base, end);
    r->base = base;
    lock_init(&r->lock, LC_PAGE);
    buddy_init(&r->buddy, pa_to_va(meta_pa), nframes);
    r->refs = (uint32_t *)((char *)pa_to_va(meta_pa) + (uint64_t)nframes * sizeof(struct buddy_frame));
    memset(r->refs, 0, nframes * sizeof(uint32_t));
    platform_add_reserved(meta_pa, meta);
    for (uint64_t at = skip_reserved(base, end); at < end; at = skip_reserved(at, end)) {
        uint64_t stop = next_reserved(at, end);
        buddy_free_range(&r->buddy, (uint32_t)frame_of(r, at), (uint32_t)((stop - at) >> PAGE_SHIFT));
        at = stop;
    }
}

void page_init(uint64_t load_pa)
{
    image_pa = load_pa;
    for (int i = 0; i < platform.nmem; i++)
        init_region(&platform.mem[i]);
}

static uint64_t buddy_take(unsigned order)
{
    for (int i = 0; i < nregions; i++) {
        struct region *r = &regions[i];
        lock_acquire(&r->lock);
        uint32_t f = buddy_alloc(&r->buddy, order);
        lock_release(&r->lock);
        if (f != BUDDY_NONE)
            return r->base + ((uint64_t)f << PAGE_SHIFT);
    }
    return 0;
}

static void buddy_give(uint64_t pa, unsigned order)
{
    struct region *r = region_of(pa);
    lock_acquire(&r->lock);
    buddy_free(&r->buddy, (uint32_t)frame_of(r, pa), order);
    lock_release(&r->lock);
}

unsigned page_order_for(uint64_t bytes)
{
    unsigned order = 0;
    while ((uint64_t)PAGE_SIZE << order < bytes)
        order++;
    return order;
}

/* The hart's cache for blocks of `order`, or NULL if that order is not cached. */
static uint32_t *bcache_count(struct hart *h, unsigned order)
{
    return h && order >= 1 && order <= BCACHE_ORDERS ? &h->nbcache[order - 1] : NULL;
}

/*
 * Gives every cached page and block back to the buddy allocator. Only the
 * owning hart touches its caches, so another hart that ran out asks
 * (page_ask_drain) and each hart drains at its next tick (page_poll).
 */
static void drain_self(struct hart *h)
{
    for (unsigned o = 1; o <= BCACHE_ORDERS; o++) {
        uint32_t *n = bcache_count(h, o);
        while (*n) {
            buddy_give(h->bcache[o - 1][*n - 1] << PAGE_SHIFT, o);
            ck_pr_store_32(n, *n - 1);
        }
    }
    while (h->npcache) {
        buddy_give(h->pcache[h->npcache - 1] << PAGE_SHIFT, 0);
        ck_pr_store_32(&h->npcache, h->npcache - 1);
    }
}

/*
 * The flag carries no data, so its stores and the owner's load need no
 * order: a hart that misses a request now sees it at a later tick, and
 * the pages it gives back are published by the buddy lock's release.
 */
static void ask_drain(void)
{
    for (int i = 0; i < nharts; i++)
        ck_pr_store_8(&harts[i].drain, 1);
}

void page_poll(void)
{
    struct hart *h = hart_self();
    if (unlikely(ck_pr_load_8(&h->drain))) {
        ck_pr_store_8(&h->drain, 0);
        drain_self(h);
    }
}

/*
 * Blocks a thread needs (orders 1 and 2) come from a per-hart cache
 * first, so creating and joining threads takes no lock in the common
 * case. An allocation the buddy allocator cannot serve drains this hart's
 * caches and retries, and asks the others to drain theirs.
 */
uint64_t page_alloc_order(unsigned order)
{
    struct hart *h = hart_self();
    uint32_t *n = bcache_count(h, order);
    uint64_t pa = 0;
    if (n && *n) {
        pa = h->bcache[order - 1][*n - 1] << PAGE_SHIFT;
        ck_pr_store_32(n, *n - 1);
    }
    if (!pa)
        pa = buddy_take(order);
    if (!pa && h) {
        drain_self(h);
        ask_drain();
        pa = buddy_take(order);
    }
    if (pa)
        memset(pa_to_va(pa), 0, (uint64_t)PAGE_SIZE << order);
    return pa;
}

void page_free_order(uint64_t pa, unsigned order)
{
    struct hart *h = hart_self();
    uint32_t *n = bcache_count(h, order);
    if (n && *n < BCACHE_MAX) {
        h->bcache[order - 1][*n] = pa >> PAGE_SHIFT;
        ck_pr_store_32(n, *n + 1);
        return;
    }
    buddy_give(pa, order);
}

/*
 * The cache is private to its hart and the kernel is not preemptible, so
 * it needs no lock; npcache is also read by page_free_count on other harts,
 * hence the atomic stores.
 */
uint64_t page_alloc(void)
{
    struct hart *h = hart_self();
    uint64_t pa;
    if (!h)
        return page_alloc_order(0);
    if (h->npcache == 0) {
        while (h->npcache < PCACHE_BATCH && (pa = buddy_take(0)))
            h->pcache[h->npcache++] = pa >> PAGE_SHIFT;
        /*
         * The batch's npcache stores (plain ones, in the loop) must be
         * visible before every later store of this hart: the decrement
         * below, the zeroing, and whatever the caller publishes. The pages
         * already left the buddy count, whose unlock published it, and
         * page_free_count reads npcache from other harts without a lock.
         * RVWMO lets a later store to another address become visible
         * first; ck_pr_fence_store is a full fence (fence iorw,iorw) in
         * ck's GCC port, which orders every earlier store before every
         * later one, and a compiler barrier, so npcache is not held in a
         * register past here. A remote count can still miss a batch that
         * is in flight: stats reads racily.
         */
        ck_pr_fence_store();
        if (h->npcache == 0) {
            drain_self(h);
            ask_drain();
            if (!(pa = buddy_take(0)))
                return 0;
            memset(pa_to_va(pa), 0, PAGE_SIZE);
            return pa;
        }
    }
    pa = h->pcache[h->npcache - 1] << PAGE_SHIFT;
    ck_pr_store_32(&h->npcache, h->npcache - 1);
    memset(pa_to_va(pa), 0, PAGE_SIZE);
    return pa;
}

void page_free(uint64_t pa)
{
    struct hart *h = hart_self();
    if (!h) {
        buddy_give(pa, 0);
        return;
    }
    if (h->npcache == PCACHE_MAX) {
        while (h->npcache > PCACHE_BATCH) {
            buddy_give(h->pcache[h->npcache - 1] << PAGE_SHIFT, 0);
            ck_pr_store_32(&h->npcache, h->npcache - 1);
        }
    }
    h->pcache[h->npcache] = pa >> PAGE_SHIFT;
    ck_pr_store_32(&h->npcache, h->npcache + 1);
}

void page_ref(uint64_t pa)
{
    struct region *r = region_of(pa);
    ck_pr_inc_32(&r->refs[frame_of(r, pa)]);
}

void page_unref(uint64_t pa)
{
    struct region *r = region_of(pa);
    bool zero;
    ck_pr_dec_32_zero(&r->refs[frame_of(r, pa)], &zero);
    if (zero)
        page_free(pa);
}

uint64_t page_free_count(void)
{
    uint64_t n = 0;
    for (int i = 0; i < nregions; i++) {
        lock_acquire(&regions[i].lock);
        n += regions[i].buddy.nfree;
        lock_release(&regions[i].lock);
    }
    for (int i = 0; i < nharts; i++) {
        n += ck_pr_load_32(&harts[i].npcache);
        for (unsigned o = 1; o <= BCACHE_ORDERS; o++)
            n += (uint64_t)ck_pr_load_32(&harts[i].nbcache[o - 1]) << o;
    }
    return n;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <mm/aspace.h>
#include <mm/page.h>
#include <mm/slab.h>
#include <mm/tlb.h>
#include <sync/epoch.h>
#include <arch/mmu.h>
#include <migrant/errno.h>
#include <migrant/layout.h>
#include <base/printk.h>
#include <string.h>

static struct slab_cache aspace_cache;

void aspace_init(void)
{
    slab_cache_init(&aspace_cache, "aspace", sizeof(struct aspace));
    tlb_init();
}

/*
 * A generation no space has used: spaces start 2^32 apart, so a hart's
 * table entry for a reused ASID never matches the new space by chance
 * (that would take 2^32 flushes of one space). Never 0, the tables'
 * initial value.
 */
static uint64_t first_gen(void)
{
    static uint64_t next;        /* atomic */
    /* Relaxed: only uniqueness matters; the value reaches other harts with the space, which its publication orders. */
    return __atomic_add_fetch(&next, 1ull << 32, __ATOMIC_RELAXED);
}

struct aspace *aspace_create(void)
{
    struct aspace *as = slab_alloc(&aspace_cache);
    if (!as)
        return NULL;
    as->root = pt_create();
    if (!as->root) {
        slab_free(&aspace_cache, as);
        return NULL;
    }
    asid_alloc(&as->asid);
    as->satp = mmu_satp(as->root, as->asid);
    as->seen_off = as->asid * sizeof(uint64_t);
    as->flush_gen = first_gen();
    lock_init(&as->lock, LC_ASPACE);
    return as;
}

static void unmap_pages(struct aspace *as, const struct region *r)
{
    for (uint64_t va = r->start; va < r->end; va += PAGE_SIZE) {
        uint64_t pa = pt_unmap(as->root, va);
        if (pa && r->kind != RG_DEVICE)
            page_unref(pa);
    }
}

/*
 * Waits until no hart runs on `as` before its tables go. Nothing can
 * enter it any more, but a hart may be just leaving it: a frame that
 * parked (and so no longer keeps the process alive) switches satp a few
 * instructions later, and its kernel code must not walk freed tables
 * until then. This hart leaves it at once.
 */
static void wait_unused(struct aspace *as)
{
    if (ck_pr_load_ptr(&hart_self()->cur_as) == as)
        aspace_activate(NULL);
    for (int i = 0; i < nharts; i++)
        while (ck_pr_load_ptr(&harts[i].cur_as) == as)
            cpu_relax();
}

static void free_aspace(ck_epoch_entry_t *e)
{
    slab_free(&aspace_cache, (char *)e - __builtin_offsetof(struct aspace, epoch_entry));
}

/*
 * The ASID is free for reuse at once: harts may still cache its entries,
 * but a space that gets it again makes each hart flush it before first use
 * (aspace_create). The struct itself stays for a grace period, so a
 * flusher that found it in an epoch section (a frame being taken back from
 * a dying process) may still bump its generation.
 */
void aspace_destroy(struct aspace *as)
{
    wait_unused(as);
    for (int i = 0; i < as->nregions; i++)
        unmap_pages(as, &as->regions[i]);
    asid_free(as->asid);
    pt_destroy(as->root);
    epoch_defer(&as->epoch_entry, free_aspace);
}

/*
 * Makes every hart forget `as`'s translations before the caller reuses
 * what was unmapped; the caller holds no lock (mm/tlb.h). The page-table
 * pages on `tables` (pt_prune's chain, or 0) go back once the harts in the
 * kernel on `as` have passed too.
 */
void aspace_flush(struct aspace *as, uint64_t tables)
{
    struct tlb_wait w;
    tlb_shoot(as, &w);
    tlb_wait(&w);
    if (tables)
        tlb_free_tables(&w, tables);
}

static bool overlaps(const struct aspace *as, uint64_t start, uint64_t end)
{
    for (int i = 0; i < as->nregions; i++)
        if (start < as->regions[i].end && as->regions[i].start < end)
            return true;
    return false;
}

static int add_region(struct aspace *as, uint64_t start, uint64_t end, unsigned prot, enum region_kind kind)
{
    lock_assert_held(&as->lock);
    if (as->nregions == AS_MAX_REGIONS)
        return E_NOMEM;
    as->regions[as->nregions++] = (struct region){ start, end, prot, kind, false };
    return 0;
}

static void drop_region(struct aspace *as, int i)
{
    as->regions[i] = as->regions[--as->nregions];
}

/* Maps fresh zeroed pages; on failure nothing stays mapped. */
static int map_anon_locked(struct aspace *as, uint64_t va, uint64_t size, unsigned prot, enum region_kind kind)
{
    if (overlaps(as, va, va + size))
        return E_BUSY;
    int err = add_region(as, va, va + size, prot, kind);
    if (err)
        return err;
    struct region *r = &as->regions[as->nregions - 1];
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t pa = page_alloc();
        if (!pa || pt_map(as->root, va + off, pa, prot | PROT_U) != 0) {
            if (pa)
                page_free(pa);
            r->end = va + off;
            unmap_pages(as, r);
            drop_region(as, as->nregions - 1);
            return E_NOMEM;
        }
        page_ref(pa);
    }
    return 0;
}

int aspace_map_anon(struct aspace *as, uint64_t va, uint64_t size, unsigned prot, enum region_kind kind)
{
    lock_acquire(&as->lock);
    int err = map_anon_locked(as, va, size, prot, kind);
    lock_release(&as->lock);
    return err;
}

/* First gap of `size` bytes in [lo, hi), found among the sorted-free region list. */
static uint64_t find_gap(const struct aspace *as, uint64_t size, uint64_t lo, uint64_t hi)
{
    uint64_t at = lo;
    bool moved = true;
    while (moved && at + size <= hi) {
        moved = false;
        for (int i = 0; i < as->nregions; i++) {
            if (at < as->regions[i].end && as->regions[i].start < at + size) {
                at = as->regions[i].end;
                moved = true;
            }
        }
    }
    return at + size <= hi ? at : 0;
}

long aspace_alloc(struct aspace *as, uint64_t size, uint64_t lo, uint64_t hi, enum region_kind kind)
{
    lock_acquire(&as->lock);
    uint64_t va = find_gap(as, size, lo, hi);
    long r = va ? map_anon_locked(as, va, size, PROT_R | PROT_W, kind) : E_NOMEM;
    lock_release(&as->lock);
    return r ? r : (long)va;
}

static int find_region(const struct aspace *as, uint64_t va, uint64_t size, enum region_kind kind, bool revoked)
{
    for (int i = 0; i < as->nregions; i++) {
        const struct region *r = &as->regions[i];
        if (r->start == va && (!size || r->end == va + size) && r->kind == kind && r->revoked == revoked)
            return i;
    }
    return -1;
}

/* Phase one: no hart can reach the region's pages once the shootdown is done. */
static int revoke_region(struct aspace *as, uint64_t va, uint64_t size, enum region_kind kind)
{
    lock_acquire(&as->lock);
    int i = find_region(as, va, size, kind, false);
    if (i >= 0) {
        for (uint64_t at = va; at < va + size; at += PAGE_SIZE)
            pt_revoke(as->root, at);
        as->regions[i].revoked = true;
    }
    lock_release(&as->lock);
    return i < 0 ? E_NOENT : 0;
}

/* Phase two: the frames go back and the emptied tables come off; returns their chain. */
static uint64_t drop_revoked(struct aspace *as, uint64_t va, uint64_t size, enum region_kind kind)
{
    lock_acquire(&as->lock);
    int i = find_region(as, va, size, kind, true);
    assert(i >= 0);   /* only this call drops what it revoked; the space outlives its running threads */
    unmap_pages(as, &as->regions[i]);
    drop_region(as, i);
    uint64_t tables = pt_prune(as->root, va, va + size);
    lock_release(&as->lock);
    return tables;
}

/*
 * Removes exactly one region. Other harts may run threads here and cache
 * its entries, and none may reach a frame once it could serve someone
 * else: the entries are made invalid first (the region keeps its range,
 * so nothing is mapped over it), every hart that may hold them is shot
 * down with no lock held, and only then do the frames go back; the
 * emptied tables go after a second shootdown, since walkers may cache
 * them. When it returns, no hart reaches the pages (shm_unmap's promise).
 */
int aspace_unmap(struct aspace *as, uint64_t va, uint64_t size, enum region_kind kind)
{
    int err = revoke_region(as, va, size, kind);
    if (err)
        return err;
    aspace_flush(as, 0);
    uint64_t tables = drop_revoked(as, va, size, kind);
    if (tables)
        aspace_flush(as, tables);
    return 0;
}

long aspace_map_device(struct aspace *as, uint64_t pa, uint64_t size)
{
    lock_acquire(&as->lock);
    uint64_t va = find_gap(as, size, USER_DEV, USER_DEV_END);
    long r = va ? add_region(as, va, va + size, PROT_R | PROT_W, RG_DEVICE) : E_NOMEM;
    for (uint64_t off = 0; r == 0 && off < size; off += PAGE_SIZE) {
        if (pt_map(as->root, va + off, pa + off, PROT_R | PROT_W | PROT_U) != 0) {
            struct region *rg = &as->regions[as->nregions - 1];
            rg->end = va + off;
            unmap_pages(as, rg);
            drop_region(as, as->nregions - 1);
            r = E_NOMEM;
        }
    }
    lock_release(&as->lock);
    return r ? r : (long)va;
}

/* Maps existing RAM pages (a shared region) in the shm window; each mapping holds a reference. */
long aspace_map_pages(struct aspace *as, const uint64_t *pages, unsigned n)
{
    uint64_t size = (uint64_t)n * PAGE_SIZE;
    lock_acquire(&as->lock);
    uint64_t va = find_gap(as, size, USER_SHM, USER_SHM_END);
    long r = va ? add_region(as, va, va + size, PROT_R | PROT_W, RG_SHM) : E_NOMEM;
    for (unsigned i = 0; r == 0 && i < n; i++) {
        if (pt_map(as->root, va + (uint64_t)i * PAGE_SIZE, pages[i], PROT_R | PROT_W | PROT_U) != 0) {
            struct region *rg = &as->regions[as->nregions - 1];
            rg->end = va + (uint64_t)i * PAGE_SIZE;
            unmap_pages(as, rg);
            drop_region(as, as->nregions - 1);
            r = E_NOMEM;
        } else {
            page_ref(pages[i]);
        }
    }
    lock_release(&as->lock);
    return r ? r : (long)va;
}

/* The size of the region of `kind` that starts at va, or E_NOENT. */
long aspace_region_size(struct aspace *as, uint64_t va, enum region_kind kind)
{
    long size = E_NOENT;
    lock_acquire(&as->lock);
    int i = find_region(as, va, 0, kind, false);
    if (i >= 0)
        size = (long)(as->regions[i].end - va);
    lock_release(&as->lock);
    return size;
}

/*
 * Copies every private page of src into dst (fork). The caller is src's
 * only thread, so src's regions cannot change underneath. Device and
 * shared regions are not inherited.
 */
int aspace_clone(struct aspace *dst, struct aspace *src)
{
    int err = 0;
    for (int i = 0; i < src->nregions && !err; i++) {
        const struct region *r = &src->regions[i];
        if (r->kind == RG_DEVICE || r->kind == RG_SHM || r->revoked)
            continue;
        err = aspace_map_anon(dst, r->start, r->end - r->start, r->prot, r->kind);
        for (uint64_t va = r->start; !err && va < r->end; va += PAGE_SIZE) {
            uint64_t spa, dpa;
            unsigned prot;
            if (pt_query(src->root, va, &spa, &prot) && pt_query(dst->root, va, &dpa, &prot))
                memcpy(pa_to_va(dpa), pa_to_va(spa), PAGE_SIZE);
        }
    }
    return err;
}

/* Kernel-side write into any page of `as`, ignoring user permissions (loading images). */
int aspace_write(struct aspace *as, uint64_t va, const void *src, size_t len)
{
    const char *s = src;
    while (len) {
        uint64_t pa;
        unsigned prot;
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        if (!pt_query(as->root, va, &pa, &prot))
            return E_FAULT;
        memcpy(pa_to_va(pa), s, chunk);
        va += chunk;
        s += chunk;
        len -= chunk;
    }
    return 0;
}

/*
 * User memory is reached through the direct map after a page-table check,
 * never by dereferencing a user pointer, so a bad pointer is an error code
 * and not a kernel fault.
 */
static int user_page(struct aspace *as, uint64_t va, bool write, uint64_t *pa)
{
    unsigned prot;
    if (!pt_query(as->root, va, pa, &prot) || !(prot & PROT_U) || !(prot & (write ? PROT_W : PROT_R)))
        return E_FAULT;
    return 0;
}

int user_range_ok(struct aspace *as, uint64_t uva, size_t len, bool write)
{
    uint64_t pa;
    if (len == 0)
        return 0;
    if (uva >= USER_TOP || len > USER_TOP - uva)
        return E_FAULT;
    for (uint64_t va = uva & ~(uint64_t)(PAGE_SIZE - 1); va < uva + len; va += PAGE_SIZE)
        if (user_page(as, va, write, &pa))
            return E_FAULT;
    return 0;
}

static int copy_user(struct aspace *as, uint64_t uva, void *kbuf, size_t len, bool to_user)
{
    if (user_range_ok(as, uva, len, to_user))
        return E_FAULT;
    char *k = kbuf;
    lock_acquire(&as->lock);
    while (len) {
        uint64_t pa;
        size_t chunk = PAGE_SIZE - (uva & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        if (user_page(as, uva, to_user, &pa)) {
            lock_release(&as->lock);
            return E_FAULT;
        }
        if (to_user)
            memcpy(pa_to_va(pa), k, chunk);
        else
            memcpy(k, pa_to_va(pa), chunk);
        uva += chunk;
        k += chunk;
        len -= chunk;
    }
    lock_release(&as->lock);
    return 0;
}

int copy_from_user(struct aspace *as, void *dst, uint64_t uva, size_t len)
{
    return copy_user(as, uva, dst, len, false);
}

int copy_to_user(struct aspace *as, uint64_t uva, const void *src, size_t len)
{
    return copy_user(as, uva, (void *)src, len, true);
}

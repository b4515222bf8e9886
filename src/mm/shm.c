/* SPDX-License-Identifier: BSD-2-Clause */
#include <mm/shm.h>
#include <mm/aspace.h>
#include <mm/page.h>
#include <mm/slab.h>
#include <sync/idtable.h>
#include <sync/epoch.h>
#include <migrant/errno.h>
#include <migrant/syscall.h>
#include <ck_pr.h>

#define SHM_PAGES (SHM_MAX / PAGE_SIZE)

struct shm {
    long id;                     /* first: struct idobj */
    long owner;                  /* pid; fixed */
    uint32_t npages;             /* fixed */
    uint64_t pages[SHM_PAGES];   /* fixed; the region holds one reference on each */
    struct lock lock;            /* protects granted; class shm, rank 42, irqs off */
    long granted[SHM_GRANTS];
    struct shm *owner_next;      /* in the owner's list (core/proc.c); under the owner's proc lock */
    ck_epoch_entry_t epoch_entry;
};

static struct idtable shm_table;
static struct slab_cache shm_cache;

void shm_init(void)
{
    idtable_init(&shm_table);
    slab_cache_init(&shm_cache, "shm", sizeof(struct shm));
}

/*
 * After the grace period: every shm_map that found the region (inside its
 * epoch section) has taken its own references by now, so the region's
 * may go; a page still mapped somewhere stays allocated.
 */
static void free_shm(ck_epoch_entry_t *e)
{
    struct shm *s = (struct shm *)((char *)e - __builtin_offsetof(struct shm, epoch_entry));
    for (uint32_t i = 0; i < s->npages; i++)
        page_unref(s->pages[i]);
    slab_free(&shm_cache, s);
}

/*
 * A new region of size bytes (1..SHM_MAX) owned by pid owner, holding one
 * reference on each of its zeroed pages. Returns its id, *out set, or
 * E_NOMEM with nothing left allocated. The caller links it into its
 * owner (proc_adopt_shm) or destroys it.
 */
long shm_create(long owner, uint64_t size, struct shm **out)
{
    struct shm *s = slab_alloc(&shm_cache);
    if (!s)
        return E_NOMEM;
    s->owner = owner;
    s->owner_next = NULL;
    s->npages = (uint32_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
    lock_init(&s->lock, LC_SHM);
    for (uint32_t i = 0; i < s->npages; i++) {
        s->pages[i] = page_alloc();
        if (!s->pages[i]) {
            /* Each page already has the region's reference: dropping it frees the page. */
            for (uint32_t j = 0; j < i; j++)
                page_unref(s->pages[j]);
            slab_free(&shm_cache, s);
            return E_NOMEM;
        }
        page_ref(s->pages[i]);
    }
    long id = idtable_insert(&shm_table, (struct idobj *)s);
    if (id < 0) {
        for (uint32_t i = 0; i < s->npages; i++)
            page_unref(s->pages[i]);
        slab_free(&shm_cache, s);
        return id;
    }
    *out = s;
    return id;
}

/*
 * Its id goes now; its own references go after a grace period (free_shm).
 * Dropping them here let a page reach zero while a shm_map that had found
 * the region was still taking its references page by page: it then mapped
 * a freed page, which the next allocation handed to someone else.
 */
void shm_destroy(struct shm *s)
{
    idtable_remove(&shm_table, s->id);
    epoch_defer(&s->epoch_entry, free_shm);
}

struct shm *shm_owner_next(const struct shm *s) { return s->owner_next; }
void shm_set_owner_next(struct shm *s, struct shm *next) { s->owner_next = next; }

static bool may_map(struct shm *s, long pid)
{
    bool ok = s->owner == pid;
    lock_acquire(&s->lock);
    for (int i = 0; i < SHM_GRANTS && !ok; i++)
        ok = s->granted[i] == pid;
    lock_release(&s->lock);
    return ok;
}

/* Looks a region up; valid until epoch_exit. */
static long lookup(long id, struct shm **out)
{
    if (id <= 0)
        return E_INVAL;
    *out = idtable_lookup(&shm_table, id);
    return *out ? 0 : E_NOENT;
}

/* The region owner owns with this id; valid until epoch_exit. */
long shm_find_owned(long id, long owner, struct shm **out)
{
    long r = lookup(id, out);
    if (!r && (*out)->owner != owner)
        r = E_PERM;
    return r;
}

/* Lets pid map region id, which owner must own. */
long shm_grant(long id, long owner, long pid)
{
    struct shm *s;
    epoch_enter();
    long r = lookup(id, &s);
    if (!r && pid <= 0)
        r = E_INVAL;
    else if (!r && s->owner != owner)
        r = E_PERM;
    if (!r) {
        r = E_RANGE;
        lock_acquire(&s->lock);
        for (int i = 0; i < SHM_GRANTS && r; i++)
            if (s->granted[i] == 0 || s->granted[i] == pid) {
                s->granted[i] = pid;
                r = 0;
            }
        lock_release(&s->lock);
    }
    epoch_exit();
    return r;
}

/* Maps region id into as for process pid; returns the address and sets *size. */
long shm_map(long id, long pid, struct aspace *as, uint64_t *size)
{
    struct shm *s;
    epoch_enter();
    long r = lookup(id, &s);
    if (!r && !may_map(s, pid))
        r = E_PERM;
    *size = r ? 0 : (uint64_t)s->npages * PAGE_SIZE;
    if (!r)
        r = aspace_map_pages(as, s->pages, s->npages);
    epoch_exit();
    if (r < 0)
        *size = 0;
    return r;
}

/* Unmaps the whole shared mapping that starts at va. */
long shm_unmap(struct aspace *as, uint64_t va)
{
    long size = (va & (PAGE_SIZE - 1)) ? E_INVAL : aspace_region_size(as, va, RG_SHM);
    return size < 0 ? size : aspace_unmap(as, va, (uint64_t)size, RG_SHM);
}

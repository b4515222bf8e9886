#include <mm/shm.h>
#include <mm/aspace.h>
#include <mm/page.h>
#include <mm/slab.h>
#include <sync/idtable.h>
#include <core/proc.h>
#include <core/thread.h>
#include <sync/epoch.h>
#include <migrant/errno.h>
#include <migrant/rights.h>
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
    struct shm *owner_next;      /* in the owner's list; under the owner's proc lock */
    ck_epoch_entry_t epoch_entry;
};

static struct idtable shm_table;
static struct slab_cache shm_cache;

void shm_init(void)
{
    idtable_init(&shm_table);
    slab_cache_init(&shm_cache, "shm", sizeof(struct shm));
}

static void free_shm(ck_epoch_entry_t *e)
{
    struct shm *s = (struct shm *)((char *)e - __builtin_offsetof(struct shm, epoch_entry));
    slab_free(&shm_cache, s);
}

/* The region's own references go; mappings keep theirs. */
static void destroy(struct shm *s)
{
    idtable_remove(&shm_table, s->id);
    for (uint32_t i = 0; i < s->npages; i++)
        page_unref(s->pages[i]);
    epoch_defer(&s->epoch_entry, free_shm);
}

void sys_shm_create(struct trapframe *tf)
{
    uint64_t size = TF_ARG(tf, 0);
    struct proc *p = proc_current();
    if (!(ck_pr_load_32(&p->rights) & R_SHM)) {
        TF_ARG(tf, 0) = (uint64_t)E_PERM;
        return;
    }
    if (size == 0 || size > SHM_MAX) {
        TF_ARG(tf, 0) = (uint64_t)(size ? E_RANGE : E_INVAL);
        return;
    }
    struct shm *s = slab_alloc(&shm_cache);
    if (!s) {
        TF_ARG(tf, 0) = (uint64_t)E_NOMEM;
        return;
    }
    s->owner = p->id;
    s->npages = (uint32_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
    lock_init(&s->lock, LC_SHM);
    for (uint32_t i = 0; i < s->npages; i++) {
        s->pages[i] = page_alloc();
        if (!s->pages[i]) {
            for (uint32_t j = 0; j < i; j++)
                page_free(s->pages[j]);
            slab_free(&shm_cache, s);
            TF_ARG(tf, 0) = (uint64_t)E_NOMEM;
            return;
        }
        page_ref(s->pages[i]);
    }
    long id = idtable_insert(&shm_table, (struct idobj *)s);
    bool alive = false;
    if (id > 0) {
        lock_acquire(&p->lock);
        alive = p->state == P_ALIVE;
        if (alive) {
            s->owner_next = p->shms;
            p->shms = s;
        }
        lock_release(&p->lock);
    }
    if (!alive) {
        if (id > 0)
            idtable_remove(&shm_table, id);
        for (uint32_t i = 0; i < s->npages; i++)
            page_unref(s->pages[i]);
        slab_free(&shm_cache, s);
        id = id > 0 ? E_NOENT : id;
    }
    TF_ARG(tf, 0) = (uint64_t)id;
}

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

void sys_shm_grant(struct trapframe *tf)
{
    struct shm *s;
    long pid = (long)TF_ARG(tf, 1), r;
    epoch_enter();
    r = lookup((long)TF_ARG(tf, 0), &s);
    if (!r && pid <= 0)
        r = E_INVAL;
    else if (!r && s->owner != proc_current()->id)
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
    TF_ARG(tf, 0) = (uint64_t)r;
}

void sys_shm_map(struct trapframe *tf)
{
    struct shm *s;
    struct proc *p = proc_current();
    epoch_enter();
    long r = lookup((long)TF_ARG(tf, 0), &s);
    if (!r && !may_map(s, p->id))
        r = E_PERM;
    uint64_t size = r ? 0 : (uint64_t)s->npages * PAGE_SIZE;
    if (!r)
        r = aspace_map_pages(p->as, s->pages, s->npages);
    epoch_exit();
    TF_ARG(tf, 0) = (uint64_t)r;
    TF_ARG(tf, 1) = r < 0 ? 0 : size;
}

void sys_shm_unmap(struct trapframe *tf)
{
    uint64_t va = TF_ARG(tf, 0);
    struct aspace *as = proc_current()->as;
    long size = (va & (PAGE_SIZE - 1)) ? E_INVAL : aspace_region_size(as, va, RG_SHM);
    TF_ARG(tf, 0) = (uint64_t)(size < 0 ? size : aspace_unmap(as, va, (uint64_t)size, RG_SHM));
}

static bool unlink_owned(struct proc *p, struct shm *s)
{
    bool found = false;
    lock_acquire(&p->lock);
    for (struct shm **pp = &p->shms; *pp; pp = &(*pp)->owner_next) {
        if (*pp == s) {
            *pp = s->owner_next;
            found = true;
            break;
        }
    }
    lock_release(&p->lock);
    return found;
}

/* Only the owner frees; unlinking under its lock decides a race with its teardown. */
void sys_shm_free(struct trapframe *tf)
{
    struct shm *s;
    struct proc *p = proc_current();
    epoch_enter();
    long r = lookup((long)TF_ARG(tf, 0), &s);
    if (!r && s->owner != p->id)
        r = E_PERM;
    if (!r && !unlink_owned(p, s))
        r = E_NOENT;
    if (!r)
        destroy(s);
    epoch_exit();
    TF_ARG(tf, 0) = (uint64_t)r;
}

/* The owner died: its regions go, other processes' mappings stay until unmapped. */
void shm_release_owner(struct proc *p)
{
    lock_acquire(&p->lock);
    struct shm *s = p->shms;
    p->shms = NULL;
    lock_release(&p->lock);
    while (s) {
        struct shm *next = s->owner_next;
        destroy(s);
        s = next;
    }
}

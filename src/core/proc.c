/* SPDX-License-Identifier: BSD-2-Clause */
#include <core/proc.h>
#include <core/thread.h>
#include <core/sched.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include <base/platform.h>
#include <mm/aspace.h>
#include <mm/page.h>
#include <mm/slab.h>
#include <mm/shm.h>
#include <sync/epoch.h>
#include <base/hart.h>
#include <arch/mmu.h>
#include <migrant/errno.h>
#include <migrant/layout.h>
#include <migrant/rights.h>
#include <base/printk.h>
#include <core/activation.h>
#include <migrant/syscall.h>
#include <string.h>
#include <ck_pr.h>

struct idtable proc_table;
static struct slab_cache proc_cache;
/*
 * Protects every proc's parent, children, sib_next, waiter and reaped;
 * class family, rank 15, irqs off.
 */
static struct lock family_lock = LOCK_INIT(LC_FAMILY);
/* Spreads new processes over the harts; a plain counter is enough for that. */
static unsigned next_hart;

void proc_init(void)
{
    idtable_init(&proc_table);
    slab_cache_init(&proc_cache, "proc", sizeof(struct proc));
}

/* The process the current thread runs in now: its top frame's, not its root. */
/* Links a new region into its owner's list; false if the owner is already dying (it would never free it). */
bool proc_adopt_shm(struct proc *p, struct shm *s)
{
    lock_acquire(&p->lock);
    bool alive = proc_alive(p);
    if (alive) {
        shm_set_owner_next(s, p->shms);
        p->shms = s;
    }
    lock_release(&p->lock);
    return alive;
}

/* Unlinks s from its owner's list; false if it is not there (freed, or the owner's teardown took it). */
bool proc_disown_shm(struct proc *p, struct shm *s)
{
    bool found = false;
    lock_acquire(&p->lock);
    for (struct shm *c = p->shms, *prev = NULL; c; prev = c, c = shm_owner_next(c)) {
        if (c == s) {
            if (prev)
                shm_set_owner_next(prev, shm_owner_next(s));
            else
                p->shms = shm_owner_next(s);
            found = true;
            break;
        }
    }
    lock_release(&p->lock);
    return found;
}

/* The owner died: its regions go, other processes' mappings stay until unmapped. */
static void release_shms(struct proc *p)
{
    lock_acquire(&p->lock);
    struct shm *s = p->shms;
    p->shms = NULL;
    lock_release(&p->lock);
    while (s) {
        struct shm *next = shm_owner_next(s);
        shm_destroy(s);
        s = next;
    }
}

struct proc *proc_current(void)
{
    struct thread *t = hart_self()->current;
    return activation_top(&t->act)->proc;
}

static void copy_name(char *dst, const char *src, size_t size)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The order of the page block that holds one count per booted hart. */
static unsigned counts_order(void)
{
    return page_order_for((uint64_t)nharts * sizeof(struct proc_count));
}

/* A fresh process with its per-hart counts, or NULL. */
static struct proc *alloc_proc(void)
{
    struct proc *p = slab_alloc(&proc_cache);
    uint64_t pa = p ? page_alloc_order(counts_order()) : 0;
    if (!pa) {
        if (p)
            slab_free(&proc_cache, p);
        return NULL;
    }
    p->active = pa_to_va(pa);
    return p;
}

static void release_proc(struct proc *p)
{
    page_free_order(va_to_pa(p->active), counts_order());
    slab_free(&proc_cache, p);
}

static void free_proc(ck_epoch_entry_t *e)
{
    release_proc((struct proc *)((char *)e - __builtin_offsetof(struct proc, epoch_entry)));
}

static void reap_proc(struct proc *p)
{
    idtable_remove(&proc_table, p->id);
    epoch_defer(&p->epoch_entry, free_proc);
}

static struct proc *proc_create(struct proc *parent, const char *name, uint32_t rights)
{
    struct proc *p = alloc_proc();
    if (!p)
        return NULL;
    p->as = aspace_create();
    if (!p->as) {
        release_proc(p);
        return NULL;
    }
    lock_init(&p->lock, LC_PROC);
    lock_init(&p->act_lock, LC_ACT);
    p->act_size = ACT_DEFAULT;
    p->rights = rights;
    /* Lookups find it from here on, built or not; it refuses entry until proc_publish. */
    p->state = P_EMBRYO;
    copy_name(p->name, name, sizeof(p->name));
    if (idtable_insert(&proc_table, (struct idobj *)p) < 0) {
        aspace_destroy(p->as);
        release_proc(p);
        return NULL;
    }
    lock_acquire(&family_lock);
    p->parent = parent;
    if (parent) {
        p->sib_next = parent->children;
        parent->children = p;
    }
    lock_release(&family_lock);
    return p;
}

/* Undoes proc_create for a process that never ran a thread. */
static void proc_abort(struct proc *p)
{
    lock_acquire(&family_lock);
    for (struct proc **pp = p->parent ? &p->parent->children : NULL; pp && *pp; pp = &(*pp)->sib_next) {
        if (*pp == p) {
            *pp = p->sib_next;
            break;
        }
    }
    lock_release(&family_lock);
    aspace_destroy(p->as);
    reap_proc(p);
}

/* Loads the initrd file `path` into the empty space `as`; returns the entry point. */
static long load_image(struct aspace *as, const char *path)
{
    const void *file;
    size_t size;
    struct elf_image img;
    int err = cpio_find(pa_to_va(platform.initrd.base), platform.initrd.size, path, strlen(path), &file, &size);
    if (err)
        return err;
    if ((err = elf_parse(file, size, USER_TEXT, USER_HEAP, &img)))
        return err;
    for (int i = 0; i < img.nsegs; i++) {
        const struct elf_seg *s = &img.seg[i];
        uint64_t start = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        err = aspace_map_anon(as, start, end - start, s->prot, RG_IMAGE);
        if (err)
            return err == E_BUSY ? E_BADELF : err;
        aspace_write(as, s->vaddr, (const char *)file + s->offset, s->filesz);
    }
    return (long)img.entry;
}

static int pick_hart(void)
{
    return (int)(ck_pr_faa_uint(&next_hart, 1) % (unsigned)nharts);
}

static const char *basename_of(const char *path)
{
    const char *b = path;
    for (const char *s = path; *s; s++)
        if (*s == '/')
            b = s + 1;
    return b;
}

/*
 * A spawned or forked process has its image and its first thread: it may
 * now be entered, signalled and killed, and the thread runs. The state
 * changes under both locks, as every state change does (proc_kill), and
 * before the thread is queued, so it never sees its process unborn.
 */
void proc_publish(struct proc *p, struct thread *first)
{
    lock_acquire(&p->lock);
    lock_acquire(&p->act_lock);
    /*
     * The image, p->entry and the first thread's frame must be visible
     * before P_ALIVE: the acquire above (a full fence in ck's GCC port)
     * orders those earlier stores before this one. A caller reads the
     * state under act_lock (enter), and that lock's release fence orders
     * its read of P_ALIVE before its later read of p->entry.
     */
    ck_pr_store_int((int *)&p->state, P_ALIVE);
    lock_release(&p->act_lock);
    lock_release(&p->lock);
    sched_enqueue_new(first);
}

long proc_spawn(struct proc *parent, const char *path, uint32_t rights, struct proc **out)
{
    struct proc *p = proc_create(parent, basename_of(path), rights);
    if (!p)
        return E_NOMEM;
    long entry = load_image(p->as, path);
    uint64_t args[6] = { 0, 0, START_MAIN, 0, 0, 0 };
    p->entry = (uint64_t)entry;
    struct thread *t = entry < 0 ? NULL : thread_create(p, pick_hart(), args);
    if (!t) {
        proc_abort(p);
        return entry < 0 ? entry : E_NOMEM;
    }
    proc_publish(p, t);
    if (out)
        *out = p;
    return p->id;
}

static bool only_thread(struct proc *p)
{
    lock_acquire(&p->lock);
    bool one = p->nlive == 1;
    lock_release(&p->lock);
    return one;
}

long proc_fork(struct proc *parent, struct thread *caller)
{
    if (!only_thread(parent))
        return E_BUSY;
    struct proc *c = proc_create(parent, parent->name, parent->rights);
    if (!c)
        return E_NOMEM;
    c->entry = parent->entry;
    /* A copy of the parent keeps the reservation it set for calls into it. */
    ck_pr_store_64(&c->act_size, ck_pr_load_64(&parent->act_size));
    struct thread *t = aspace_clone(c->as, parent->as) != 0 ? NULL : thread_fork(c, caller);
    if (!t) {
        proc_abort(c);
        return E_NOMEM;
    }
    proc_publish(c, t);
    return c->id;
}

/* Sets p's state from `from` to `to`, as every state change is made; false if it was not `from`. */
static bool change_state(struct proc *p, enum pstate from, enum pstate to, struct thread *waiter)
{
    lock_acquire(&p->lock);
    lock_acquire(&p->act_lock);
    bool was = p->state == from;
    if (was) {
        ck_pr_store_ptr(&p->exec_waiter, waiter);
        ck_pr_store_int((int *)&p->state, to);
    }
    lock_release(&p->act_lock);
    lock_release(&p->lock);
    return was;
}

/* Ends an exec, done or given up: p opens again, unless a kill made it dying meanwhile. */
static void open_after_exec(struct proc *p)
{
    if (!change_state(p, P_EXEC, P_ALIVE, NULL))
        ck_pr_store_ptr(&p->exec_waiter, NULL);
}

/*
 * Closes p to calls (P_EXEC: they are refused with E_BUSY) and waits,
 * blocked, for the calls inside it, which run the old image, to leave; the
 * last one out wakes us (proc_vacated). Returns 0 with p closed and empty,
 * and t its only live thread; else p is as it was (or dying) and the
 * reason: E_KILLED if t must exit or was aborted, E_BUSY if a call inside
 * created a thread meanwhile.
 */
static long close_for_exec(struct proc *p, struct thread *t)
{
    if (!change_state(p, P_ALIVE, P_EXEC, t))
        return E_KILLED;
    /*
     * P_EXEC must be visible before we load the counts: a call counts
     * itself (a sequentially consistent add) before it loads the state, so
     * either it sees P_EXEC and leaves, waking us, or we see its count. The
     * unlock's release fence orders only earlier accesses before the
     * unlock; the full fence orders the state's store before the loads.
     */
    ck_pr_fence_memory();
    while (activation_count(p) && ck_pr_load_int((int *)&p->state) == P_EXEC && !thread_interrupted(t))
        sched_block();
    long err = ck_pr_load_int((int *)&p->state) != P_EXEC || thread_interrupted(t) ? E_KILLED
        : !only_thread(p) ? E_BUSY : 0;
    if (err)
        open_after_exec(p);
    return err;
}

/*
 * Replaces the caller's image; on success the caller returns into the new
 * program. The new image is built while calls still run in the old one;
 * then p is closed and emptied (close_for_exec), the images swapped, and p
 * opened again.
 */
long proc_exec(struct proc *p, const char *path)
{
    struct thread *t = hart_self()->current;
    if (!only_thread(p))
        return E_BUSY;
    struct aspace *as = aspace_create(), *old = p->as;
    if (!as)
        return E_NOMEM;
    long entry = load_image(as, path);
    void *root_run = NULL;
    if (entry >= 0 && activation_map_root_new(t, as, &root_run) != 0)
        entry = E_NOMEM;
    if (entry >= 0) {
        long err = close_for_exec(p, t);
        entry = err ? err : entry;
    }
    if (entry < 0) {
        aspace_destroy(as);
        return entry;
    }
    activation_move_root(t, root_run);
    lock_acquire(&p->lock);
    p->as = as;
    p->execs++;   /* a root kept in the old space from now on is not a spare (activation_stash) */
    lock_release(&p->lock);
    t->as = as;
    aspace_activate(as);
    activation_evict(p, old);
    activation_drain(p);
    aspace_destroy(old);
    copy_name(p->name, basename_of(path), sizeof(p->name));
    p->entry = (uint64_t)entry;
    /*
     * The new space and entry must be visible before P_ALIVE, which the
     * lock's acquire (a full fence in ck's GCC port) gives, as in
     * proc_publish. A kill since the close left p dying: t exits on its
     * way out.
     */
    open_after_exec(p);
    uint64_t args[6] = { 0, (uint64_t)t->id, START_MAIN, 0, 0, 0 };
    thread_restart(t, (uint64_t)entry, args);
    return 0;
}

/*
 * Its own threads die when they are back in it (WORK_KILL); threads
 * migrated into it are told to unwind. A migration counts itself active
 * before it checks the state, and this sets the state before it walks the
 * frames, so each side sees the other (see count_active).
 */
void proc_kill(struct proc *p, long status)
{
    bool killed = false;
    struct hartmask ipi = { 0 };
    lock_acquire(&p->lock);
    if (proc_alive(p)) {
        lock_acquire(&p->act_lock);
        ck_pr_store_int((int *)&p->state, P_DYING);
        lock_release(&p->act_lock);
        p->status = status;
        killed = true;
        for (struct thread *t = p->threads; t; t = t->sib_next)
            if (!t->zombie)
                thread_poke(t, WORK_KILL, &ipi);
    }
    lock_release(&p->lock);
    hartmask_ipi(&ipi);
    if (!killed)
        return;
    ck_pr_fence_memory();
    activation_kick(p);
    proc_release(p);
}

static void unlink_child(struct proc *parent, struct proc *c)
{
    for (struct proc **pp = &parent->children; *pp; pp = &(*pp)->sib_next) {
        if (*pp == c) {
            *pp = c->sib_next;
            return;
        }
    }
}

/*
 * Waits for child pid to die and reaps it. The child is looked up again
 * after every wakeup, since only an epoch section keeps it valid, and no
 * one may block inside one.
 */
long proc_wait(struct proc *parent, long pid, long *status)
{
    struct thread *self = hart_self()->current;
    long r = 1;
    while (r > 0) {
        struct proc *c, *reap = NULL;
        epoch_enter();
        c = idtable_lookup(&proc_table, pid);
        lock_acquire(&family_lock);
        if (!c || c->reaped) {
            r = E_NOENT;
        } else if (c->parent != parent) {
            r = E_PERM;
        } else if (c->state == P_ZOMBIE) {
            *status = c->status;
            unlink_child(parent, c);
            c->reaped = true;
            reap = c;
            r = 0;
        } else if (thread_interrupted(self)) {
            if (c->waiter == self)
                c->waiter = NULL;
            r = E_KILLED;
        } else if (c->waiter && c->waiter != self) {
            r = E_BUSY;
        } else {
            c->waiter = self;
        }
        lock_release(&family_lock);
        epoch_exit();
        if (reap)
            reap_proc(reap);
        else if (r > 0)
            sched_block();
    }
    return r;
}

static void reap_zombie_threads(struct proc *p)
{
    lock_acquire(&p->lock);
    struct thread *z = p->threads;
    p->threads = NULL;
    lock_release(&p->lock);
    while (z) {
        struct thread *next = z->sib_next;
        thread_reap(z);
        z = next;
    }
}

/*
 * A call left p, or was refused, while p was closed (not P_ALIVE): it may
 * have been the last one out. Of a dying p, that runs the teardown check;
 * of a p in exec, it wakes the exec once p is empty. Both pair with this
 * call's count update, a sequentially consistent add before its load of
 * the state (activation_count_active): the closer stores the state before
 * it sums the counts, so one of the two sees the other. The waiter is read
 * in an epoch section, since a late reader may find it after the exec has
 * ended and the thread has exited.
 */
void proc_vacated(struct proc *p)
{
    if (ck_pr_load_int((int *)&p->state) != P_EXEC) {
        proc_release(p);
        return;
    }
    if (activation_count(p))
        return;
    epoch_enter();
    struct thread *w = ck_pr_load_ptr(&p->exec_waiter);
    if (w)
        sched_wake(w);
    epoch_exit();
}

/*
 * Tears p down once it is dying, its last thread is off its hart for good
 * (thread_release) and the last migrated thread has left it; whichever of
 * those comes last calls this with both locks free, and the check under
 * both locks picks exactly one.
 * Only this hart can still have p's table in satp (a thread leaving p is
 * the one calling); every other hart switched away when its last thread
 * of p left. A killer in another process keeps its own table.
 */
void proc_release(struct proc *p)
{
    lock_acquire(&p->lock);
    lock_acquire(&p->act_lock);
    bool go = p->state == P_DYING && p->nheld == 0 && !activation_count(p) && !p->torn;
    if (go)
        p->torn = true;
    lock_release(&p->act_lock);
    lock_release(&p->lock);
    if (!go)
        return;
    reap_zombie_threads(p);
    activation_evict(p, p->as);
    activation_drain(p);
    release_shms(p);
    aspace_destroy(p->as);
    p->as = NULL;

    struct proc *orphans = NULL;
    struct thread *waiter = NULL;
    lock_acquire(&family_lock);
    for (struct proc *c = p->children, *next; c; c = next) {
        next = c->sib_next;
        c->parent = NULL;
        if (c->state == P_ZOMBIE && !c->reaped) {
            c->reaped = true;
            c->sib_next = orphans;
            orphans = c;
        }
    }
    p->children = NULL;
    lock_acquire(&p->lock);
    lock_acquire(&p->act_lock);
    ck_pr_store_int((int *)&p->state, P_ZOMBIE);
    lock_release(&p->act_lock);
    lock_release(&p->lock);
    bool orphan = !p->parent;
    if (orphan)
        p->reaped = true;
    else
        waiter = p->waiter;
    /* The waiter cannot leave proc_wait, and be freed, without this lock. */
    epoch_enter();
    lock_release(&family_lock);
    if (waiter)
        sched_wake(waiter);
    epoch_exit();
    if (orphan)
        reap_proc(p);
    while (orphans) {
        struct proc *next = orphans->sib_next;
        reap_proc(orphans);
        orphans = next;
    }
}

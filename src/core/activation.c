/* SPDX-License-Identifier: BSD-2-Clause */
#include <core/activation.h>
#include <core/thread.h>
#include <core/proc.h>
#include <mm/aspace.h>
#include <mm/page.h>
#include <mm/tlb.h>
#include <arch/mmu.h>
#include <migrant/errno.h>
#include <migrant/layout.h>
#include <sync/lock.h>
#include <base/printk.h>
#include <sync/epoch.h>
#include <base/hart.h>
#include <string.h>
#include <ck_pr.h>

/*
 * Slots are handed out lowest first, so the page-table pages a process
 * builds for the activation window stay bounded by the most threads that
 * ever lived at once, and are reused rather than rebuilt.
 *
 * A slot is held by its owner, whose root activation sits at its top and
 * whose migrations go below that, and by every forked child whose root
 * activation is a copy of that root, at its addresses and of its size
 * (activation_init). The copies never migrate from there, so none of them
 * overlaps the owner's calls; the slot is handed out again only once all
 * of them are gone, so no new thread's root lands on a child's.
 */
_Static_assert(USER_ACT_BASE + USER_ACT_WAY + USER_ACT_SLOTS * USER_ACT_SLOT <= USER_TOP,
               "both windows of slots fit in user space");

/* Protects slot_used and slot_holds; class slot, rank 40, irqs off. */
static struct lock slot_lock = LOCK_INIT(LC_SLOT);
static uint64_t slot_used[USER_ACT_SLOTS / 64];
static uint32_t slot_holds[USER_ACT_SLOTS];

static long slot_alloc(void)
{
    long slot = E_NOMEM;
    lock_acquire(&slot_lock);
    for (unsigned w = 0; w < USER_ACT_SLOTS / 64 && slot < 0; w++) {
        if (~slot_used[w]) {
            unsigned b = (unsigned)__builtin_ctzl(~slot_used[w]);
            slot_used[w] |= 1ul << b;
            slot = w * 64 + b;
            slot_holds[slot] = 1;
        }
    }
    lock_release(&slot_lock);
    return slot;
}

/* Another hold on a slot in use: a forked child's root activation lies in it. */
static void slot_hold(uint32_t slot)
{
    lock_acquire(&slot_lock);
    assert(slot_holds[slot] > 0);   /* the forking thread's root is there, so the slot is in use */
    slot_holds[slot]++;
    lock_release(&slot_lock);
}

static void slot_put(uint32_t slot)
{
    lock_acquire(&slot_lock);
    assert(slot_holds[slot] > 0);   /* every put matches an alloc or a hold */
    if (--slot_holds[slot] == 0)
        slot_used[slot / 64] &= ~(1ul << (slot % 64));
    lock_release(&slot_lock);
}

/* The slot whose top is a root activation's address. */
static uint32_t slot_of_root(uint64_t root_va)
{
    return (uint32_t)((root_va - USER_ACT_BASE) / USER_ACT_SLOT - 1);
}

static uint64_t frame_slot_top(const struct activation *a, const struct frame *f)
{
    return f == &a->frame[0] ? a->root_va : activation_slot_va(a->slot);
}

/* The index in a->pages[f->way] of f's lowest page. */
static unsigned frame_first_page(const struct activation *a, const struct frame *f)
{
    uint64_t top = frame_slot_top(a, f);
    return (unsigned)(ACT_PAGES - (top - (f->base - f->size)) / PAGE_SIZE);
}

/* f's pages, in the order of its addresses. Activations never cross 2 MiB. */
static const uint64_t *frame_pages(const struct activation *a, const struct frame *f)
{
    return &a->pages[f->way][frame_first_page(a, f)];
}

/*
 * Makes f's pages p's: a page that last held another process's data (a
 * callee that ran at this depth before, a deeper frame a larger one now
 * overlaps, a tail's own stack) is zeroed first, so no process reads what
 * another left on the thread's stack. A page already p's, or still zero,
 * is left as it is, so a call back into the same process keeps costing
 * nothing. The pages are reachable by no other process now: every frame
 * that mapped them elsewhere was taken back and shot down (dispose), but
 * a tail's own frame, which the caller runs on until the tail cannot fail,
 * so it runs only once the callee accepted the call.
 */
static void own_pages(struct activation *a, const struct frame *f, long pid)
{
    unsigned first = frame_first_page(a, f), n = (unsigned)(f->size / PAGE_SIZE);
    bool zeroed = false;
    for (unsigned i = first; i < first + n; i++) {
        long *owner = &a->page_owner[f->way][i];
        if (*owner && *owner != pid) {
            memset(pa_to_va(a->pages[f->way][i]), 0, PAGE_SIZE);
            zeroed = true;
        }
        *owner = pid;
    }
    /*
     * The zeros must be visible before the entries the caller then writes:
     * another thread of p may walk them at once, on another hart, and read
     * the page. RVWMO lets a later store to another address (the entry)
     * become visible first; ck_pr_fence_store is a full fence in ck's GCC
     * port, which orders every store above before every later one.
     */
    if (zeroed)
        ck_pr_fence_store();
}

/* Maps f's activation into `as` at f's addresses, its entries in *run. Caller holds the owner's act_lock. */
static int map_frame_run(struct activation *a, const struct frame *f, struct aspace *as, void **run)
{
    return pt_map_run(as->root, f->va - f->size, frame_pages(a, f), (unsigned)(f->size / PAGE_SIZE),
                      PROT_R | PROT_W | PROT_U, run);
}

static int map_frame(struct activation *a, struct frame *f, struct aspace *as)
{
    return map_frame_run(a, f, as, &f->run);
}

/*
 * Only this hart's TLB is flushed: it is the one that ran the thread in
 * `as`. docs/ipc.md says what other harts running `as` may still hold.
 */
static void unmap_frame(const struct frame *f, struct aspace *as)
{
    pt_unmap_run(f->run, f->va - f->size, (unsigned)(f->size / PAGE_SIZE), as->asid);
}

static void link_inside(struct proc *p, struct frame *f)
{
    lock_assert_held(&p->act_lock);
    f->inside_prev = NULL;
    f->inside_next = p->inside;
    if (p->inside)
        p->inside->inside_prev = f;
    p->inside = f;
}

static void unlink_inside(struct proc *p, struct frame *f)
{
    lock_assert_held(&p->act_lock);
    if (f->inside_prev)
        f->inside_prev->inside_next = f->inside_next;
    else
        p->inside = f->inside_next;
    if (f->inside_next)
        f->inside_next->inside_prev = f->inside_prev;
}

long activation_count(struct proc *p)
{
    long n = 0;
    for (int i = 0; i < nharts; i++)
        n += (long)ck_pr_load_64((uint64_t *)&p->active[i].n);
    return n;
}

/*
 * Takes a parked frame back from its process: unlinked and unmapped
 * under the lock, then shot down from every hart that may run the process
 * in user mode, since the pages are about to serve another process. The
 * shootdown runs after the unlock (no hart waits for another with a lock
 * held) and before this returns, so the frame's pages stay this thread's
 * and unused until no hart reaches them. The process may be gone already
 * (FRAME_GONE), or go as soon as the frame is off its list; the epoch
 * section keeps its memory and its space's struct valid while we look
 * (aspace_destroy frees the struct after a grace period).
 */
static void dispose(struct frame *f)
{
    assert(ck_pr_load_int(&f->state) != FRAME_ACTIVE);   /* only frames off the stack are taken back */
    if (ck_pr_load_int(&f->state) != FRAME_PARKED) {
        f->state = FRAME_FREE;
        return;
    }
    struct proc *p = f->proc;
    struct aspace *as = NULL;
    struct tlb_wait w;
    epoch_enter();
    lock_acquire(&p->act_lock);
    if (ck_pr_cas_int(&f->state, FRAME_PARKED, FRAME_FREE)) {
        unlink_inside(p, f);
        as = p->as;
        unmap_frame(f, as);
    }
    lock_release(&p->act_lock);
    if (as)
        tlb_shoot(as, &w);
    epoch_exit();
    if (as)
        tlb_wait(&w);
    f->state = FRAME_FREE;
}

/* Why a process refuses a call: it is in exec (E_BUSY), or dying, dead or unborn (E_NOENT). */
static int refusal(const struct proc *p)
{
    return ck_pr_load_int((const int *)&p->state) == P_EXEC ? E_BUSY : E_NOENT;
}

/*
 * The slow way in: under p's activation lock, check it is open, map the
 * activation and link the frame. Counted active first (activation_count_active).
 */
static int enter(struct thread *t, struct proc *p, struct frame *f)
{
    activation_count_active(p, 1);
    lock_acquire(&p->act_lock);
    int err = proc_open(p) ? 0 : refusal(p);
    if (!err) {
        own_pages(&t->act, f, p->id);
        err = map_frame(&t->act, f, p->as);
    }
    if (!err) {
        link_inside(p, f);
        assert(f->state == FRAME_FREE);   /* a new frame: FREE -> ACTIVE, no process knew it before */
        ck_pr_store_int(&f->state, FRAME_ACTIVE);
    }
    lock_release(&p->act_lock);
    if (err) {
        f->state = FRAME_FREE;
        activation_count_active(p, -1);
        if (!proc_open(p))
            proc_vacated(p);
    }
    return err;
}

/*
 * Undoes a claim of f that found its process closed
 * (activation_enter_parked): f parks again, for the closer to take back,
 * and the count drops, which may be what the closer waits for; that is
 * activation_park. From the PARKED store on, a teardown may take f back
 * and free the process, and this hart does not run its space (so the
 * teardown's wait_unused does not wait for it): only the epoch section
 * keeps the process's memory valid for the count and the state test.
 * The section is announced (ck_epoch_begin's full fence) before the
 * PARKED store, so a teardown that reads PARKED defers the free past it.
 */
bool activation_unclaim(struct frame *f)
{
    epoch_enter();
    activation_park(f);
    epoch_exit();
    return false;
}

/*
 * Pokes every thread active in p (p is dying); its parked frames are
 * taken back when p is torn down.
 */
void activation_kick(struct proc *p)
{
    struct hartmask ipi = { 0 };
    lock_acquire(&p->act_lock);
    for (struct frame *f = p->inside; f; f = f->inside_next)
        if (ck_pr_load_int(&f->state) == FRAME_ACTIVE)
            thread_poke(f->thread, WORK_UNWIND, &ipi);
    lock_release(&p->act_lock);
    hartmask_ipi(&ipi);
}

/*
 * Takes back every frame parked in p before its space goes (teardown,
 * exec). No frame is counted active in p (activation_count is 0), so each
 * one's owner sees FRAME_GONE and never touches p again. But the owner may
 * reuse the frame the moment it sees FRAME_GONE, without our lock, so
 * what the unmap needs (and the link to the next frame) is copied while
 * the frame is still parked: reading it after the CAS once found a new
 * call's null run (smp_kick_from_dying). Each frame taken back leaves the
 * list at once, so the owner's record is never walked again.
 *
 * A frame can be claimed and not yet counted, or counted for a moment
 * after p closed (activation_enter_parked): its owner is then a few
 * instructions from parking it again (activation_unclaim), with
 * interrupts off. That is the one cross-hart wait here, done without the
 * lock (docs/locking.md). The record may change meanwhile (the owner
 * parks it and moves it to its other way), so the wait ends as soon as
 * it no longer holds a claimed frame of p, and the list is read again.
 */
void activation_evict(struct proc *p, struct aspace *as)
{
    lock_acquire(&p->act_lock);
    for (struct frame *f; (f = p->inside);) {
        struct frame parked = *f;
        if (ck_pr_cas_int(&f->state, FRAME_PARKED, FRAME_GONE)) {
            /* unlink_inside from the copy: f was the head, and its own links are the owner's now */
            p->inside = parked.inside_next;
            if (p->inside)
                p->inside->inside_prev = NULL;
            unmap_frame(&parked, as);
            continue;
        }
        lock_release(&p->act_lock);
        while (ck_pr_load_int(&f->state) == FRAME_ACTIVE && ck_pr_load_ptr(&f->proc) == p)
            cpu_relax();
        lock_acquire(&p->act_lock);
    }
    lock_release(&p->act_lock);
}

/*
 * A new thread's activation stack in a slot of its own, its root frame in
 * `root`. A fresh thread's root activation is the top of that slot, of
 * root's reservation. A forked child's (fork_of: the thread that forked)
 * is the forking thread's root frame as it is, its addresses and its size,
 * so that the copied stack is whole and pointers into it stay valid; the
 * child then holds the slot that lies in as well. On failure nothing is
 * left to undo.
 */
int activation_init(struct thread *t, struct proc *root, const struct thread *fork_of)
{
    struct activation *a = &t->act;
    long slot = slot_alloc();
    if (slot < 0)
        return E_NOMEM;
    a->slot = (uint32_t)slot;
    a->root_va = fork_of ? fork_of->act.root_va : activation_slot_va(a->slot);
    uint64_t size = fork_of ? fork_of->act.frame[0].size : ck_pr_load_64(&root->act_size);
    if (fork_of)
        slot_hold(slot_of_root(a->root_va));
    a->depth = 0;
    a->frame[0] = (struct frame){ .proc = root, .pid = root->id, .base = a->root_va, .va = a->root_va, .size = size,
                                  .below = activation_slot_va(a->slot) - size, .thread = t };
    for (int i = 0; i < ACT_PAGES; i++) {
        a->pages[0][i] = page_alloc();
        if (!a->pages[0][i]) {
            activation_fini(t);
            return E_NOMEM;
        }
    }
    return 0;
}

/* Maps the root activation into the root process (creation). */
int activation_map_root(struct thread *t, struct aspace *as)
{
    struct proc *root = t->proc;
    if (t->act.frame[0].run)
        return 0;   /* a spare's root: mapped since an earlier thread (activation_unstash) */
    lock_acquire(&root->act_lock);
    own_pages(&t->act, &t->act.frame[0], root->id);
    int err = map_frame(&t->act, &t->act.frame[0], as);
    lock_release(&root->act_lock);
    return err;
}

/*
 * Exec: maps the root activation into the new image's space too, but the
 * root frame keeps its entries in the old one until exec cannot fail any
 * more (activation_move_root). An exec that fails after this (killed, or
 * refused because a call inside made a thread) destroys the new space; had
 * the frame taken the new entries, its later unmap would write into a freed
 * page table, and the old space's entries would never be cleared.
 */
int activation_map_root_new(struct thread *t, struct aspace *as, void **run)
{
    struct proc *root = t->proc;
    lock_acquire(&root->act_lock);
    int err = map_frame_run(&t->act, &t->act.frame[0], as, run);
    lock_release(&root->act_lock);
    return err;
}

/* Exec's point of no return: the root frame's entries are the new space's from here on. */
void activation_move_root(struct thread *t, void *run)
{
    struct proc *root = t->proc;
    lock_acquire(&root->act_lock);
    t->act.frame[0].run = run;
    lock_release(&root->act_lock);
}

/* Takes back every parked frame from depth `from` up, the other ways' too. */
static void dispose_above(struct activation *a, int from)
{
    for (int d = from; d <= a->high; d++) {
        if (a->frame[d].state != FRAME_FREE)
            dispose(&a->frame[d]);
        if (d < ACT_MAX_DEPTH && a->alt[d].state != FRAME_FREE)
            dispose(&a->alt[d]);
    }
}

static bool overlaps(const struct frame *f, int way, uint64_t base, uint64_t size)
{
    return ck_pr_load_int(&f->state) == FRAME_PARKED && f->way == way && f->base - f->size < base &&
           base - size < f->base;
}

/*
 * Takes back every parked frame, of any depth, in `way` that lies in
 * [base - size, base): its pages are about to be mapped elsewhere. This
 * keeps the placement invariant: no two frames of a thread that are mapped
 * (the root, the active ones, the parked ones) overlap in the same way, so
 * no page is mapped in two processes at once (own_pages then decides
 * whether it must be zeroed). Frames of the two ways never share a page or
 * an address.
 */
static void dispose_overlapping(struct activation *a, int way, uint64_t base, uint64_t size)
{
    for (int d = 1; d <= a->high; d++) {
        if (overlaps(&a->frame[d], way, base, size))
            dispose(&a->frame[d]);
        if (d < ACT_MAX_DEPTH && overlaps(&a->alt[d], way, base, size))
            dispose(&a->alt[d]);
    }
}

/*
 * Moves a frame from one record of the thread to another (dst is free),
 * relinking it in its process's list under that process's lock, so a
 * teardown or a kill walking the list finds it at its new place. A parked
 * frame the process took back meanwhile (FRAME_GONE) just ends free; an
 * active one (a tail swapping the other way in) cannot be taken. The epoch
 * section keeps the process's memory valid while we look, as in dispose().
 */
static void move_frame(struct frame *dst, struct frame *src)
{
    assert(dst->state == FRAME_FREE);   /* a move never overwrites a frame */
    int state = ck_pr_load_int(&src->state);
    if (state == FRAME_PARKED || state == FRAME_ACTIVE) {
        struct proc *p = src->proc;
        epoch_enter();
        lock_acquire(&p->act_lock);
        state = ck_pr_load_int(&src->state);
        if (state == FRAME_PARKED || state == FRAME_ACTIVE) {
            *dst = *src;
            if (dst->inside_prev)
                dst->inside_prev->inside_next = dst;
            else
                p->inside = dst;
            if (dst->inside_next)
                dst->inside_next->inside_prev = dst;
        }
        lock_release(&p->act_lock);
        epoch_exit();
    }
    src->state = FRAME_FREE;
}

/* The two ways of depth d change places. */
static void swap_ways(struct activation *a, int d)
{
    move_frame(&a->moving, &a->alt[d]);
    move_frame(&a->alt[d], &a->frame[d]);
    move_frame(&a->frame[d], &a->moving);
}

/* The root activation's entries go, and every hart forgets them before its pages can. */
static void unmap_root(struct thread *t)
{
    struct activation *a = &t->act;
    struct proc *root = t->proc;
    /* A thread undone before its root frame was mapped (out of memory for a page table) has no run. */
    if (!a->frame[0].run || !root->as)
        return;
    lock_acquire(&root->act_lock);
    unmap_frame(&a->frame[0], root->as);
    lock_release(&root->act_lock);
    /* Other threads of the process may have used this stack; its pages are about to go. */
    aspace_flush(root->as, 0);
}

/* One way's pages go back (those it has); nothing maps them any more. */
static void free_way(uint64_t pages[ACT_PAGES], long owners[ACT_PAGES])
{
    for (int i = 0; i < ACT_PAGES; i++) {
        if (pages[i])
            page_free(pages[i]);
        pages[i] = 0;
        owners[i] = 0;
    }
}

/*
 * Way 1's pages, taken the first time a depth needs a second way; false
 * (nothing taken) when memory is short: the call then takes the old
 * frame's place instead.
 */
static bool take_way1(struct thread *t)
{
    struct activation *a = &t->act;
    if (a->pages[1][0])
        return true;
    for (int i = 0; i < ACT_PAGES; i++) {
        a->pages[1][i] = page_alloc();
        if (!a->pages[1][i]) {
            free_way(a->pages[1], a->page_owner[1]);
            return false;
        }
    }
    ck_pr_add_64(&t->proc->way_pages, ACT_PAGES);
    return true;
}

/* Way 1's pages go back: no frame is left in it. */
static void free_way1(struct thread *t)
{
    struct activation *a = &t->act;
    if (!a->pages[1][0])
        return;
    free_way(a->pages[1], a->page_owner[1]);
    ck_pr_sub_64(&t->proc->way_pages, ACT_PAGES);
}

/* The slots go back; the pages went before. */
static void free_slots(uint32_t slot, uint64_t root_va)
{
    if (root_va != activation_slot_va(slot))
        slot_put(slot_of_root(root_va));
    slot_put(slot);
}

/* The thread is dead and back at its root: give everything back. */
void activation_fini(struct thread *t)
{
    struct activation *a = &t->act;
    assert(a->depth == 0);   /* only a thread back at its root frame gives its stack back */
    dispose_above(a, 1);
    unmap_root(t);
    free_way(a->pages[0], a->page_owner[0]);
    free_way1(t);
    free_slots(a->slot, a->root_va);
    memset(a, 0, sizeof(*a));
}

/*
 * Spare roots. A thread that exits from a living process leaves its root
 * activation mapped there, its slot and its pages with it, and the
 * process hands them to its next thread_create: so creating and joining
 * threads maps, unmaps and shoots down nothing. The record of a spare
 * lives at the bottom of the dead thread's kernel stack block, which the
 * new thread takes as its own kernel stack too. Only the end of the
 * process's space (teardown, exec), whose ASID dies with every entry,
 * gives them back, without an unmap or a shootdown.
 *
 * A new thread's stack thus holds what an earlier thread of the same
 * process left there: nothing another process could not already read,
 * since that stack was mapped in this process all along. Pages that a
 * callee wrote keep their owner, and are zeroed before this process maps
 * them again (own_pages).
 *
 * A process keeps at most nharts of them, enough for a thread being made
 * on every hart at once; the rest exit the old way.
 */
struct spare_root {
    struct spare_root *next;
    uint32_t slot;
    uint64_t size;               /* the root activation's reservation */
    void *run;                   /* its entries in the process's space */
    uint64_t pages[ACT_PAGES];
    long page_owner[ACT_PAGES];
};
_Static_assert(sizeof(struct spare_root) <= (PAGE_SIZE << KSTACK_ORDER) / 2,
               "a spare's record fits the bottom of a kernel stack block");

/* Reserves a place among root's spares for t's root activation; false: it must go now. */
static bool keep_root(struct thread *t)
{
    struct activation *a = &t->act;
    struct proc *root = t->proc;
    if (!a->frame[0].run || a->root_va != activation_slot_va(a->slot) || !proc_alive(root))
        return false;
    lock_acquire(&root->act_lock);
    bool keep = root->nkept < nharts;
    if (keep)
        root->nkept++;
    lock_release(&root->act_lock);
    if (!keep)
        return false;
    /*
     * No exec can pass between here and the end of thread_exit: it needs
     * this thread to have left nlive (only_thread), which it does after
     * this. So the mapping is in the space of this image.
     */
    a->root_kept = true;
    a->root_image = ck_pr_load_32(&root->execs);
    return true;
}

/*
 * thread_exit, back at the root frame: what is parked elsewhere is taken
 * back, and the root activation is kept for a spare (activation_stash,
 * once the thread is off its hart) or given back.
 */
void activation_retire(struct thread *t)
{
    struct activation *a = &t->act;
    assert(a->depth == 0);   /* only a thread back at its root frame gives its stack back */
    dispose_above(a, 1);
    free_way1(t);   /* only a frame above the root uses way 1; a spare keeps way 0 */
    if (!keep_root(t))
        activation_fini(t);
}

/* A spare's stack goes back: its pages and its slot. */
static void free_spare_stack(struct spare_root *r)
{
    free_way(r->pages, r->page_owner);
    free_slots(r->slot, activation_slot_va(r->slot));
}

static void free_spare(struct spare_root *r)
{
    free_spare_stack(r);
    page_free_order(va_to_pa(r), KSTACK_ORDER);
}

/*
 * thread_release: t is off its hart for good. A kept root becomes a spare
 * of its process, recorded in `block` (t's kernel stack block, taken over:
 * true), unless an exec replaced the space that maps it meanwhile: then
 * the entries died with that space and only the memory goes back (false).
 * Under the process lock, which exec holds to count its images.
 */
bool activation_stash(struct thread *t, void *block)
{
    struct activation *a = &t->act;
    struct proc *p = t->proc;
    if (!a->root_kept)
        return false;
    lock_assert_held(&p->lock);
    struct spare_root *r = block;
    *r = (struct spare_root){ .slot = a->slot, .size = a->frame[0].size, .run = a->frame[0].run };
    memcpy(r->pages, a->pages[0], sizeof(r->pages));
    memcpy(r->page_owner, a->page_owner[0], sizeof(r->page_owner));
    bool same = a->root_image == p->execs;
    lock_acquire(&p->act_lock);
    if (same) {
        r->next = p->spares;
        p->spares = r;
    } else {
        p->nkept--;
    }
    lock_release(&p->act_lock);
    if (!same)
        free_spare_stack(r);
    /* The stack is the spare's now; the thread object keeps no claim on it. */
    memset(a->pages[0], 0, sizeof(a->pages[0]));
    a->root_kept = false;
    return same;
}

/*
 * A new thread of p takes a spare: its activation stack is the spare's,
 * its root frame mapped already (activation_map_root does nothing), and
 * the block returned is to be its kernel stack. NULL: none fits, the
 * thread builds its own (activation_init). A spare of another size (p
 * changed its reservation) goes back the old way.
 */
void *activation_unstash(struct thread *t, struct proc *p)
{
    struct activation *a = &t->act;
    uint64_t size = ck_pr_load_64(&p->act_size);
    for (;;) {
        lock_acquire(&p->act_lock);
        struct spare_root *r = p->spares;
        if (r) {
            p->spares = r->next;
            p->nkept--;
        }
        lock_release(&p->act_lock);
        if (!r)
            return NULL;
        /* t is fresh from the page allocator: its activation is all zeros but for this. */
        a->slot = r->slot;
        a->root_va = activation_slot_va(r->slot);
        memcpy(a->pages[0], r->pages, sizeof(r->pages));
        memcpy(a->page_owner[0], r->page_owner, sizeof(r->page_owner));
        a->frame[0] = (struct frame){ .proc = p, .pid = p->id, .base = a->root_va, .va = a->root_va, .size = r->size,
                                      .below = a->root_va - r->size, .run = r->run, .thread = t };
        if (r->size == size)
            return r;
        activation_fini(t);
        page_free_order(va_to_pa(r), KSTACK_ORDER);
    }
}

/*
 * The end of p's space (teardown, or exec's old image): its spares go
 * back. Their entries die with the space, and no thread runs there any
 * more, so nothing is unmapped or shot down (the ASID is flushed before
 * it is used again: mm/tlb.c).
 */
void activation_drain(struct proc *p)
{
    lock_acquire(&p->act_lock);
    struct spare_root *r = p->spares;
    for (struct spare_root *x = r; x; x = x->next)
        p->nkept--;
    p->spares = NULL;
    lock_release(&p->act_lock);
    while (r) {
        struct spare_root *next = r->next;
        free_spare(r);
        r = next;
    }
}

/*
 * The pages held for reuse that stats reports (a5): those p keeps for its
 * next threads (its spares' stacks and their kernel stack blocks), and
 * its threads' second ways, which each keeps until it exits.
 */
long activation_kept_pages(struct proc *p)
{
    return (long)ck_pr_load_int(&p->nkept) * (ACT_PAGES + (1 << KSTACK_ORDER)) +
           (long)ck_pr_load_64(&p->way_pages);
}

/*
 * fork: the child's stack holds the same bytes as the parent's way 0, page
 * for page (activation_init placed it), with the same owners, but for the
 * root activation's pages, which are the child's to resume on. Way 1 holds
 * only frames above the root, which the child does not have.
 */
void activation_copy(struct thread *dst, const struct thread *src)
{
    struct activation *a = &dst->act;
    for (int i = 0; i < ACT_PAGES; i++) {
        memcpy(pa_to_va(a->pages[0][i]), pa_to_va(src->act.pages[0][i]), PAGE_SIZE);
        a->page_owner[0][i] = src->act.page_owner[0][i];
    }
    unsigned first = frame_first_page(a, &a->frame[0]);
    for (unsigned i = first; i < first + a->frame[0].size / PAGE_SIZE; i++)
        a->page_owner[0][i] = dst->proc->id;
}

/* A frame parked in another process than callee, at base: worth keeping as the other way. */
static bool keepable(const struct frame *f, const struct proc *callee, uint64_t base)
{
    return ck_pr_load_int(&f->state) == FRAME_PARKED && f->proc != callee && f->base == base;
}

/*
 * Which way a new frame at the next depth, at base, goes in. A frame
 * parked there in another process is kept as the other way (the one it
 * had is taken back), and the new one takes the way it is not in: a caller
 * that alternates between two services then finds each one parked. Failing
 * that, way 0, over whatever was there. A call into the thread's own root
 * process (a notification handler, a self-migration) always takes way 0:
 * way 1 would give every process whose threads take handlers the page
 * tables of a second window, for as long as it lives.
 */
static int place_frame(struct thread *t, struct proc *callee, uint64_t base, uint64_t size)
{
    struct activation *a = &t->act;
    int d = a->depth + 1, way = 0;
    struct frame *f = &a->frame[d], *alt = &a->alt[d];
    bool other = callee != t->proc;
    if (other && keepable(f, callee, base) && take_way1(t)) {
        if (alt->state != FRAME_FREE)
            dispose(alt);
        move_frame(alt, f);
        way = !alt->way;
    } else if (other && keepable(alt, callee, base) && take_way1(t)) {
        way = !alt->way;
    }
    if (f->state != FRAME_FREE)
        dispose(f);
    dispose_overlapping(a, way, base, size);
    return way;
}

/*
 * A new frame for a call into `callee`, the slow way: the other way of
 * this depth, if it is parked in callee, takes the call (swapped into
 * place, still mapped); else a frame is placed (place_frame) and entered
 * under the callee's activation lock. The fast way is
 * activation_push_parked.
 */
int activation_push(struct thread *t, struct proc *callee, long eid, uint64_t ret_pc, uint64_t ret_sp)
{
    struct activation *a = &t->act;
    assert(a->depth >= 0 && a->depth < ACT_MAX_DEPTH);   /* the top frame lies below the spare record */
    uint64_t base = activation_next_base(a), size = ck_pr_load_64(&callee->act_size);
    if (a->depth + 1 >= ACT_MAX_DEPTH || !activation_fits(a, base, size))
        return E_DEPTH;
    struct frame *alt = &a->alt[a->depth + 1];
    if (ck_pr_load_int(&alt->state) == FRAME_PARKED && alt->proc == callee && alt->size == size &&
        alt->base == base) {
        swap_ways(a, a->depth + 1);
        if (activation_push_parked(a, callee, eid, ret_pc, ret_sp))
            return 0;
    }
    int way = place_frame(t, callee, base, size);
    struct frame *f = &a->frame[a->depth + 1];
    if (a->high < a->depth + 1)
        a->high = a->depth + 1;
    assert(f->state == FRAME_FREE);   /* never overwrite a frame still parked in (and linked to) a process */
    *f = (struct frame){ .proc = callee, .pid = callee->id, .base = base, .va = base + (uint64_t)way * USER_ACT_WAY, .size = size,
                         .below = base - size, .thread = t, .way = (uint8_t)way };
    int err = enter(t, callee, f);
    if (err)
        return err;
    f->eid = eid;
    f->ret_pc = ret_pc;
    f->ret_sp = ret_sp;
    a->depth++;
    return 0;
}

/*
 * A tail into the process the other way of this depth is parked in: that
 * frame takes the call, with the replaced one's return point, and the
 * replaced one parks in its place, so a chain that tails between two
 * services, call after call, maps nothing. False: refused, nothing changed.
 */
static bool replace_by_alt(struct activation *a, struct proc *callee, long eid)
{
    struct frame *old = activation_top(a), *alt = &a->alt[a->depth];
    if (!activation_enter_parked(alt, callee, eid, old->ret_pc, old->ret_sp))
        return false;
    activation_park(old);
    swap_ways(a, a->depth);
    return true;
}

/*
 * Tail and kick: the top frame is reused for the new callee, keeping its
 * return point, so the callee responds straight to the frame below. The
 * new frame is entered in the record above the top first, so a failure
 * changes nothing, then moved down once the old one is given back. A tail
 * into the process the frame is already in keeps the frame as it is; one
 * into the process of this depth's other way swaps the two ways.
 */
int activation_replace(struct thread *t, struct proc *callee, long eid)
{
    struct activation *a = &t->act;
    struct frame *old = activation_top(a), *spare = old + 1, *alt = &a->alt[a->depth];
    assert(a->depth > 0 && a->depth < ACT_MAX_DEPTH);   /* a pushed frame is replaced; its spare exists */
    uint64_t size = ck_pr_load_64(&callee->act_size);
    if (callee == old->proc) {
        old->eid = eid;
        return 0;
    }
    if (ck_pr_load_int(&alt->state) == FRAME_PARKED && alt->proc == callee && alt->size == size &&
        alt->base == old->base && replace_by_alt(a, callee, eid))
        return 0;
    if (!activation_fits(a, old->base, size))
        return E_DEPTH;
    dispose_above(a, a->depth + 1);
    dispose_overlapping(a, old->way, old->base, size);
    if (a->high < a->depth + 1)
        a->high = a->depth + 1;   /* the spare record above the top is used for a moment */
    *spare = (struct frame){ .proc = callee, .pid = callee->id, .eid = eid, .ret_pc = old->ret_pc, .ret_sp = old->ret_sp,
                             .base = old->base, .va = old->va, .size = size, .below = old->base - size,
                             .thread = t, .way = old->way };
    int err = enter(t, callee, spare);
    if (err)
        return err;
    activation_park(old);
    dispose(old);
    lock_acquire(&callee->act_lock);
    unlink_inside(callee, spare);
    assert(old->state == FRAME_FREE);   /* the old frame was given back before the new one moves over it */
    *old = *spare;
    link_inside(callee, old);
    lock_release(&callee->act_lock);
    spare->state = FRAME_FREE;
    return 0;
}


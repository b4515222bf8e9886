/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A process: an address space, a set of rights, its threads, and its
 * place in the parent/child tree. Looked up by pid without locks.
 */
#ifndef CORE_PROC_H
#define CORE_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <ck_pr.h>
#include <ck_epoch.h>
#include <sync/idtable.h>
#include <sync/lock.h>
#include <base/hart.h>

struct thread;
struct aspace;
struct frame;
struct shm;
struct spare_root;

/* The two live states come first, so proc_alive is one compare. */
enum pstate {
    P_ALIVE,
    P_EXEC,                      /* alive, replacing its image: refuses entry (E_BUSY) until it is done */
    P_DYING,                     /* killed or exiting; threads are unwinding */
    P_ZOMBIE,                    /* dead, status kept for the parent */
    P_EMBRYO,                    /* in the pid table, being built by spawn or fork: refuses entry */
};

/*
 * The first line holds what every migration into the process reads and
 * almost nothing writes; the words other paths write (signals, the locks
 * and what they protect) start lines of their own after it, so a
 * migration's reads stay shared in every hart's cache. The slab puts
 * objects on cache lines (mm/slab.c).
 */
struct proc {
    long id;                     /* first: struct idobj */
    struct aspace *as;           /* fixed until exec swaps it under lock */
    uint64_t act_size;           /* activation a migration into it reserves; atomic */
    /* Written under lock and act_lock (below); read lock-free by migrations. */
    enum pstate state;
    uint32_t rights;             /* only shrinks; atomic */
    struct thread *exec_waiter;  /* the thread in exec while P_EXEC, else NULL; written with state, read lock-free */
    /*
     * Frames active in it, counted per hart so a migration writes no shared
     * line: one entry per booted hart, in pages of their own (at many harts
     * they fill pages).
     */
    struct proc_count *active;
    uint64_t entry;              /* _start of its image; changes only by exec, on its only thread */

    char name[32];
    uint64_t signals __attribute__((aligned(64)));  /* atomic: signals sent and not yet delivered */

    /* Protects the fields below up to act_lock; class proc, rank 20, irqs off. */
    struct lock lock __attribute__((aligned(64)));
    struct thread *threads;      /* live and zombie threads */
    int nlive;                   /* threads that have not called thread_exit */
    int nheld;                   /* threads not yet off their hart for good (thread_release) */
    long status;
    bool torn;                   /* teardown has started */
    struct shm *shms;            /* shared regions it owns */
    uint32_t execs;              /* images it replaced (exec): which space a kept root is in */

    /* Protects inside and the activation window of as; class act, rank 25, irqs off. */
    struct lock act_lock __attribute__((aligned(64)));
    struct frame *inside;        /* frames of other threads' calls, active or parked */
    struct spare_root *spares;   /* its exited threads' root activations, kept for new threads */
    int nkept;                   /* roots kept: on spares, or on their way there (activation_retire) */
    uint64_t way_pages;          /* atomic, no lock: pages its threads hold for their second ways (stats) */

    /* Protected by family_lock. */
    struct proc *parent;
    struct proc *children, *sib_next;
    struct thread *waiter;
    bool reaped;

    ck_epoch_entry_t epoch_entry;
};

/* One hart's count of the frames active in a process, on a line of its own. */
struct proc_count {
    long n;
} __attribute__((aligned(CACHE_LINE)));
_Static_assert(sizeof(struct proc_count) == CACHE_LINE, "hart.line_off indexes proc.active");

extern struct idtable proc_table;

void proc_init(void);
void proc_publish(struct proc *p, struct thread *first);
long proc_spawn(struct proc *parent, const char *path, uint32_t rights, struct proc **out);
long proc_fork(struct proc *parent, struct thread *caller);
long proc_exec(struct proc *p, const char *path);
void proc_kill(struct proc *p, long status);
long proc_wait(struct proc *parent, long pid, long *status);
void proc_release(struct proc *p);
void proc_vacated(struct proc *p);
struct proc *proc_current(void);
bool proc_adopt_shm(struct proc *p, struct shm *s);
bool proc_disown_shm(struct proc *p, struct shm *s);

/*
 * Read without a lock: a process stops being alive once, under its lock
 * and act_lock. An exec leaves it alive (threads in it stay, kills and
 * signals reach it) but closed.
 */
static inline bool proc_alive(const struct proc *p)
{
    return (unsigned)ck_pr_load_int((int *)&p->state) <= P_EXEC;
}

/* Whether a call may enter it now: alive and not in exec. */
static inline bool proc_open(const struct proc *p)
{
    return ck_pr_load_int((int *)&p->state) == P_ALIVE;
}

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#include <debug/trace.h>
#include <migrant/errno.h>
#include <migrant/syscall.h>

#ifndef TRACE
long trace_control(uint64_t op)
{
    (void)op;
    return E_NOSYS;
}
#else
#include <base/printk.h>
#include <base/platform.h>
#include <base/hart.h>
#include <core/thread.h>
#include <core/proc.h>
#include <mm/page.h>
#include <sync/epoch.h>
#include <sync/idtable.h>
#include <sync/lock.h>
#include <sys/entry.h>
#include <arch/cpu.h>
#include <string.h>

/* Per hart: 384 KiB; the first events are kept, later ones counted as dropped. */
#define TRACE_EVENTS 16384
#define TRACE_NAMES 64           /* processes a hart names, for those dead by the dump */

/* The event kinds, as the dump prints them (tools/trace.py reads them). */
#define EV_START  'S'            /* a: current tid, b: its root pid, c: its top pid, depth */
#define EV_STOP   'P'            /* a: current tid */
#define EV_IN     'i'            /* a: tid, b: pid below, c: callee pid, depth: new, flag: how */
#define EV_OUT    'o'            /* a: tid, b: pid left, c: pid below, depth: the left frame's */
#define EV_SYS    's'            /* a: tid, b: syscall number */
#define EV_IRQ    'q'            /* a: tid, b: irq kind, flag: from user */
#define EV_SWITCH 'x'            /* a: next tid (0: idle), b: its root pid, c: its top pid, depth, flag: prev state */
#define EV_WAIT   'w'            /* a: tid, b: lock class, c: ticks waited; time: when the wait began */

struct event {
    uint64_t time;               /* the time CSR */
    uint8_t kind, depth;
    uint16_t flag;
    uint32_t a, b, c;            /* ids fit: 12 slot bits and 19 generation bits (sync/idtable.h) */
};

/*
 * Each hart's buffer, written only by that hart and with interrupts off
 * (the kernel runs with them off; the idle loop takes them only outside
 * the kernel), so an event is never interrupted by another and plain
 * stores suffice: no lock, no atomic, no barrier, and no line that
 * another hart writes. The dump reads every buffer on one hart only
 * after each hart stopped its own (trace_control says how that is
 * ordered). Each is a page block of its own, taken when its hart first
 * starts tracing, so a build for many harts holds buffers only for those
 * that trace.
 */
struct hart_trace {
    bool on;
    uint32_t n, dropped;
    struct {
        uint32_t pid;            /* 0: free; open addressing from pid % TRACE_NAMES */
        char name[32];
    } names[TRACE_NAMES];
    struct event ev[TRACE_EVENTS];
};

static struct hart_trace *traces[MAX_HARTS];   /* each written by its own hart only */

/* This hart's buffer, or NULL before it first traced. */
static struct hart_trace *mine(void)
{
    return traces[hart_self()->index];
}


uint64_t trace_now(void)
{
    return cpu_time();
}

/* Appends one event stamped `time`, or counts it dropped when the buffer is full. */
static void record_at(uint64_t time, uint8_t kind, uint8_t depth, uint16_t flag, long a, long b, long c)
{
    struct hart_trace *tr = mine();
    if (!tr || !tr->on)
        return;
    if (tr->n == TRACE_EVENTS) {
        tr->dropped++;
        return;
    }
    tr->ev[tr->n++] = (struct event){ time, kind, depth, flag, (uint32_t)a, (uint32_t)b, (uint32_t)c };
}

static void record(uint8_t kind, uint8_t depth, uint16_t flag, long a, long b, long c)
{
    record_at(cpu_time(), kind, depth, flag, a, b, c);
}

/*
 * Notes p's name the first time this hart sees p in its trace, so the
 * dump can name processes that are gone by then. A full table names no
 * more (the converter says "pid N"); exec keeps a pid and changes its
 * name, and the name noted first stays.
 */
static void note_name(const struct proc *p)
{
    struct hart_trace *tr = mine();
    uint32_t pid = (uint32_t)p->id;
    if (!tr || !tr->on)
        return;
    for (uint32_t i = 0, k = pid % TRACE_NAMES; i < TRACE_NAMES; i++, k = (k + 1) % TRACE_NAMES) {
        if (tr->names[k].pid == pid)
            return;
        if (!tr->names[k].pid) {
            tr->names[k].pid = pid;
            memcpy(tr->names[k].name, p->name, sizeof(tr->names[k].name));
            tr->names[k].name[sizeof(tr->names[k].name) - 1] = '\0';
            return;
        }
    }
}

static long tid_of(const struct thread *t)
{
    return t == hart_self()->idle ? 0 : t->id;
}

/* activation_top, for a thread the hook only reads. */
static const struct frame *top_of(const struct thread *t)
{
    return &t->act.frame[t->act.depth];
}

static long top_pid(const struct thread *t)
{
    return t->proc ? top_of(t)->proc->id : 0;
}

void trace_migrate_in(const struct thread *t, enum trace_how how)
{
    const struct frame *f = top_of(t);
    note_name(f->proc);
    record(EV_IN, (uint8_t)t->act.depth, (uint16_t)how, t->id, f[-1].proc->id, f->proc->id);
}

void trace_migrate_out(const struct thread *t)
{
    const struct frame *f = top_of(t);
    record(EV_OUT, (uint8_t)t->act.depth, 0, t->id, f->proc->id, f[-1].proc->id);
}

void trace_syscall(uint64_t nr)
{
    record(EV_SYS, 0, 0, tid_of(hart_self()->current), (long)nr, 0);
}

void trace_irq(unsigned kind, int from_user)
{
    record(EV_IRQ, 0, (uint16_t)from_user, tid_of(hart_self()->current), kind, 0);
}

void trace_switch(const struct thread *prev, const struct thread *next)
{
    long root = next->proc ? next->proc->id : 0;
    if (next->proc) {
        note_name(next->proc);
        note_name(top_of(next)->proc);
    }
    record(EV_SWITCH, (uint8_t)next->act.depth, (uint16_t)prev->state, tid_of(next), root, top_pid(next));
}

void trace_lock_wait(unsigned cls, uint64_t start)
{
    record_at(start, EV_WAIT, 0, 0, tid_of(hart_self()->current), cls, (long)(cpu_time() - start));
}

/* The current thread, where it runs, opens the hart's trace: what it is in when the events start. */
static long start_hart(void)
{
    struct hart_trace *tr = mine();
    const struct thread *t = hart_self()->current;
    if (!tr) {
        uint64_t pa = page_alloc_order(page_order_for(sizeof(struct hart_trace)));
        if (!pa)
            return E_NOMEM;
        tr = traces[hart_self()->index] = pa_to_va(pa);
    }
    tr->n = tr->dropped = 0;
    memset(tr->names, 0, sizeof(tr->names));
    tr->on = true;
    if (t->proc)
        note_name(t->proc);
    record(EV_START, (uint8_t)t->act.depth, 0, tid_of(t), t->proc ? t->proc->id : 0, top_pid(t));
    return 0;
}

/* Processes by pid, so the converter can name slices: those the harts noted, and the live ones. */
static void dump_procs(void)
{
    for (int h = 0; h < nharts; h++)
        for (int k = 0; traces[h] && k < TRACE_NAMES; k++)
            if (traces[h]->names[k].pid)
                printk("TRACE-PROC %u %s\n", traces[h]->names[k].pid, traces[h]->names[k].name);
    epoch_enter();
    for (uint32_t s = 0; s < ID_SLOTS; s++) {
        const struct proc *p = (const struct proc *)ck_pr_load_ptr(&proc_table.slot[s]);
        if (p)
            printk("TRACE-PROC %lu %s\n", (unsigned long)p->id, p->name);
    }
    epoch_exit();
}

static void dump(void)
{
    printk("TRACE-BEGIN timebase=%lu harts=%d events=%d\n", platform.timebase_hz, nharts, TRACE_EVENTS);
    printk("TRACE-IRQKIND %d timer\nTRACE-IRQKIND %d ipi\nTRACE-IRQKIND %d external\n", IRQ_TIMER, IRQ_IPI,
           IRQ_EXTERNAL);
    printk("TRACE-TSTATE %d running\nTRACE-TSTATE %d runnable\nTRACE-TSTATE %d blocked\n"
           "TRACE-TSTATE %d moving\nTRACE-TSTATE %d dead\n", T_RUNNING, T_RUNNABLE, T_BLOCKED, T_MOVING, T_DEAD);
    for (int c = 0; c < LOCK_NCLASSES; c++)
        printk("TRACE-LOCK %d %s\n", c, lock_class_name[c]);
    dump_procs();
    for (int h = 0; h < nharts; h++) {
        const struct hart_trace *tr = traces[h];
        if (!tr) {
            printk("TRACE-HART %d events=0 dropped=0\n", h);
            continue;
        }
        for (uint32_t i = 0; i < tr->n; i++) {
            const struct event *e = &tr->ev[i];
            printk("T%d %c %lx %x %x %x %u %u\n", h, e->kind, e->time, e->a, e->b, e->c, e->depth, e->flag);
        }
        printk("TRACE-HART %d events=%u dropped=%u\n", h, tr->n, tr->dropped);
    }
    printk("TRACE-END\n");
}

/*
 * Start and stop act on the calling hart: the caller visits every hart it
 * traces, with a thread pinned there that it then joins (bench/bench.c,
 * tinit). So the dump runs after every hart stopped writing, and sees all
 * it wrote: a hart's events come before its stop in program order; the
 * visiting thread then exits, and its hart, once off it, sets its zombie
 * flag under its process's lock (thread_release; the big lock in the bkl
 * build), which thread_join takes to read the flag. RVWMO's release (the
 * unlock's fence rw,w before its store) and acquire (the lock's swap,
 * then fence r,rw) order every buffer store of that hart before the
 * joiner's later loads, and the dump runs after the join returns, so the
 * dumping hart sees every event of every hart it visited. No fence is
 * needed here beyond those.
 */
long trace_control(uint64_t op)
{
    long r = 0;
    switch (op) {
    case TRACE_START:
        r = start_hart();
        break;
    case TRACE_STOP:
        record(EV_STOP, 0, 0, tid_of(hart_self()->current), 0, 0);
        if (mine())
            mine()->on = false;
        break;
    case TRACE_DUMP:
        dump();
        break;
    default:
        r = E_INVAL;
    }
    return r;
}
#endif

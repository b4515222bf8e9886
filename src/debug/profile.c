/* SPDX-License-Identifier: BSD-2-Clause */
#include <debug/profile.h>
#include <core/thread.h>
#include <migrant/errno.h>
#include <migrant/syscall.h>

#ifndef PROFILE
long profile_control(uint64_t op)
{
    (void)op;
    return E_NOSYS;
}
#else
#include <base/printk.h>
#include <base/platform.h>
#include <core/proc.h>
#include <string.h>
#include <core/activation.h>
#include <base/hart.h>
#include <sync/lockstat.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/pmu.h>

#define MAX_SAMPLES 4096         /* per hart: 4 s at the profiling tick */
#define MAX_NAMES 16             /* programs one hart samples */
#define MAX_EVENTS 32

enum sample_kind { S_USER, S_KERNEL, S_IDLE };

struct sample {
    uint64_t pc;                 /* kernel: the entry's handler; user: the pc */
    uint8_t kind;
    uint8_t name;                /* user: index into names */
};

/* Each hart's profile, written only by that hart (dumped after every hart stopped). */
static struct hart_profile {
    bool on;
    bool tick_seen;              /* the pending tick was counted at a kernel exit */
    uint32_t n, dropped;
    uint8_t nnames;
    char names[MAX_NAMES][32];
    struct sample samples[MAX_SAMPLES];
    long ctr[MAX_EVENTS];        /* counter per event, or a negative error */
    uint64_t value[MAX_EVENTS];
} profiles[MAX_HARTS];

/* The events this build counts: the platform's list, cut to what a profile holds. */
static int nevents(void)
{
    return arch_pmu_events() < MAX_EVENTS ? arch_pmu_events() : MAX_EVENTS;
}

static struct hart_profile *mine(void)
{
    return &profiles[hart_self()->index];
}

static uint8_t name_index(struct hart_profile *p, const char *name)
{
    for (uint8_t i = 0; i < p->nnames; i++)
        if (!strcmp(p->names[i], name))
            return i;
    if (p->nnames == MAX_NAMES)
        return MAX_NAMES - 1;
    size_t len = strlen(name) < sizeof(p->names[0]) - 1 ? strlen(name) : sizeof(p->names[0]) - 1;
    memcpy(p->names[p->nnames], name, len);
    p->names[p->nnames][len] = '\0';
    return p->nnames++;
}

static void add_sample(struct hart_profile *p, uint64_t pc, enum sample_kind kind, uint8_t name)
{
    if (p->n == MAX_SAMPLES) {
        p->dropped++;
        return;
    }
    p->samples[p->n++] = (struct sample){ pc, (uint8_t)kind, name };
}

/*
 * A tick taken from user mode samples the user pc in the process the
 * thread runs in now. The kernel runs with interrupts off, so a tick that
 * falls inside a kernel path waits for its exit: profile_kernel_exit
 * counts it there, for the path's handler, and this tick is not counted
 * again. Ticks in the idle loop (the only place the kernel takes them)
 * count as idle.
 */
void profile_tick(const struct trapframe *tf, bool from_user)
{
    struct hart_profile *p = mine();
    if (!p->on)
        return;
    if (p->tick_seen) {
        p->tick_seen = false;
        return;
    }
    if (!from_user) {
        add_sample(p, TF_PC(tf), S_IDLE, 0);
        return;
    }
    struct thread *t = hart_self()->current;
    add_sample(p, TF_PC(tf), S_USER, name_index(p, activation_top(&t->act)->proc->name));
}

void profile_kernel_exit(uintptr_t site)
{
    struct hart_profile *p = mine();
    if (!p->on || p->tick_seen || !cpu_timer_pending())
        return;
    add_sample(p, site, S_KERNEL, 0);
    p->tick_seen = true;
}

static void start_hart(void)
{
    struct hart_profile *p = mine();
    int n = nevents();
    p->n = p->dropped = 0;
    p->nnames = 0;
    p->tick_seen = false;
    lockstat_reset_hart();
    for (int e = 0; e < n; e++)
        p->ctr[e] = arch_pmu_start(e);
    p->on = true;
}

static void stop_hart(void)
{
    struct hart_profile *p = mine();
    int n = nevents();
    p->on = false;
    for (int e = 0; e < n; e++)
        if (p->ctr[e] >= 0)
            p->value[e] = arch_pmu_stop(p->ctr[e]);
}

static void dump(void)
{
    static const char kinds[] = { 'u', 'k', 'i' };
    printk("PROFILE-BEGIN timebase=%lu tick_hz=%d harts=%d\n", platform.timebase_hz, TICK_HZ, nharts);
    lockstat_dump();
    for (int h = 0; h < nharts; h++) {
        struct hart_profile *p = &profiles[h];
        for (uint32_t i = 0; i < p->n; i++) {
            struct sample *s = &p->samples[i];
            printk("PROFILE-SAMPLE %d %c %s %lx\n", h, kinds[s->kind],
                   s->kind == S_USER ? p->names[s->name] : "kernel", s->pc);
        }
        if (p->dropped)
            printk("PROFILE-DROPPED %d %u\n", h, p->dropped);
        for (int e = 0; e < nevents(); e++) {
            if (p->ctr[e] >= 0)
                printk("PROFILE-PMU %d %s %lu\n", h, arch_pmu_event_name(e), p->value[e]);
            else
                printk("PROFILE-PMU %d %s unsupported %ld\n", h, arch_pmu_event_name(e), p->ctr[e]);
        }
    }
    printk("PROFILE-END\n");
}

/* start and stop act on the calling hart: the caller visits every hart it measures. */
long profile_control(uint64_t op)
{
    long r = 0;
    switch (op) {
    case PROFILE_START:
        start_hart();
        break;
    case PROFILE_STOP:
        stop_hart();
        break;
    case PROFILE_DUMP:
        dump();
        break;
    default:
        r = E_INVAL;
    }
    return r;
}
#endif

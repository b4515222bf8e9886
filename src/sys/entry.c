/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generic side of every kernel entry and the one exit. The arch trap
 * code decodes the trap and calls one entry_* function; each runs the
 * kernel with the big lock held (bkl build) and leaves through
 * kernel_leave, which does the work due on the thread and then
 * kernel_depart. The migration fast path (ipc/migrate.c) checks the work
 * itself on its partial frame and, with none due, departs directly.
 */
#include <sys/entry.h>
#include <sys/hold.h>
#include <sys/syscall.h>
#include <core/notify.h>
#include <core/proc.h>
#include <core/sched.h>
#include <core/thread.h>
#include <ipc/migrate.h>
#include <base/hart.h>
#include <mm/tlb.h>
#include <sync/kernel.h>
#include <arch/entry.h>
#include <arch/irq.h>
#include <arch/smp.h>
#include <migrant/syscall.h>
#include <debug/profile.h>
#include <debug/trace.h>

/* Work due on the thread first (it may end or unwind it), then the exit. */
void kernel_leave(struct trapframe *tf, uintptr_t site)
{
    struct hart *h = hart_self();
    migrate_check(h->current, tf);
    tlb_return_user(h);
    kernel_depart(site);
}

/* Every claimed source goes to the thread bound to it; true if a handler is due on this hart. */
static bool dispatch_external(void)
{
    bool due = false;
    uint32_t src;
    while ((src = plic_claim()) != 0)
        due |= notify_irq(src);
    return due;
}

/* Returns whether the interrupt asks the current thread to give up the hart. */
static bool handle_irq(enum irq_kind kind)
{
    switch (kind) {
    case IRQ_TIMER:
        timer_tick();
        notify_timers();
        return true;
    case IRQ_IPI:
        arch_ipi_clear();
        return false;
    case IRQ_EXTERNAL:
        return dispatch_external();
    }
    return false;
}

/*
 * The kernel runs with interrupts off, so an interrupt from kernel mode
 * was taken in the idle loop, which had departed the kernel: it enters
 * and departs again around the handler.
 */
void entry_interrupt(struct trapframe *tf, enum irq_kind kind, bool from_user)
{
    struct hart *h = hart_self();
    if (from_user)
        tlb_enter_kernel(h);
    hold_check(h);
    trace_irq(kind, from_user);
    if (kind == IRQ_TIMER)
        profile_tick(tf, from_user);
    kernel_enter();
    bool resched = handle_irq(kind);
    if (!from_user) {
        kernel_depart((uintptr_t)entry_interrupt);
        return;
    }
    if (resched)
        sched_tick(true);
    kernel_leave(tf, (uintptr_t)entry_interrupt);
}

/* The profiler names a kernel sample by the syscall's handler. */
void entry_syscall(struct trapframe *tf)
{
    uintptr_t site = syscall_handler(TF_SYSNO(tf));
    struct hart *h = hart_self();
    tlb_enter_kernel(h);
    hold_check(h);
    trace_syscall(TF_SYSNO(tf));
    kernel_enter();
    syscall_dispatch(tf);
    kernel_leave(tf, site);
}

/*
 * A user fault kills the process the thread runs in: its root process, or
 * the server it migrated into. kernel_leave then ends the thread or
 * unwinds it to its caller with E_DIED.
 */
void entry_fault(struct trapframe *tf, long cause)
{
    struct hart *h = hart_self();
    tlb_enter_kernel(h);
    hold_check(h);
    kernel_enter();
    proc_kill(proc_current(), EXIT_FAULT | cause);
    kernel_leave(tf, (uintptr_t)entry_fault);
}

/* The rest of an IPC syscall that found work due; its kernel_enter was the migration entry's (trap.S or ipc_fast). */
void ipc_finish(struct trapframe *tf)
{
    kernel_leave(tf, (uintptr_t)ipc_finish);
}

/* A new thread's first code, called from thread_trampoline with the thread it replaced. */
void entry_first_run(struct thread *prev)
{
    sched_finish_switch(prev);
    kernel_leave(thread_frame(hart_self()->current), (uintptr_t)entry_first_run);
}

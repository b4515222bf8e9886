#include <arch/csr.h>
#include <arch/cpu.h>
#include <arch/smp.h>
#include <arch/irq.h>
#include <core/thread.h>
#include <core/proc.h>
#include <core/sched.h>
#include <sys/syscall.h>
#include <ipc/migrate.h>
#include <core/notify.h>
#include <base/hart.h>
#include <sync/lock.h>
#include <sync/bkl.h>
#include <migrant/syscall.h>
#include <base/printk.h>
#include <debug/profile.h>

void trap_entry(void);

void trap_init_hart(void)
{
    csr_write_sscratch(0);
    /* User code may read cycle, time and instret (benchmarks count instructions). */
    csr_write_scounteren(7);
    csr_write_stvec((uint64_t)trap_entry);
    csr_set_sie(SIE_SSIE | SIE_SEIE);
}

/* Returns whether the interrupt asks the current thread to give up the hart. */
static bool handle_irq(uint64_t cause)
{
    switch (cause) {
    case IRQ_S_TIMER:
        timer_tick();
        notify_timers();
        return true;
    case IRQ_S_SOFT:
        arch_ipi_clear();
        return false;
    case IRQ_S_EXT:
        return plic_handle();
    default:
        panic("unexpected interrupt %lu", cause);
    }
}

/* Interrupts reach the kernel only in the idle loop, which has left the kernel (kernel_exit). */
static void trap_from_kernel(struct trapframe *tf)
{
    if (tf->scause & SCAUSE_INTR) {
        if (tf->scause == (SCAUSE_INTR | IRQ_S_TIMER))
            profile_tick(tf, false);
        kernel_enter();
        handle_irq(tf->scause & ~SCAUSE_INTR);
        kernel_exit();
        return;
    }
    panic("kernel trap: scause %lx sepc %lx stval %lx", tf->scause, tf->regs[0], tf->stval);
}

/*
 * A user fault kills the process the thread runs in: its root process, or
 * the server it migrated into. migrate_check then ends the thread or
 * unwinds it to its caller with E_DIED.
 */
static void trap_from_user(struct trapframe *tf)
{
    uint64_t cause = tf->scause;
    if (cause & SCAUSE_INTR) {
        if (cause == (SCAUSE_INTR | IRQ_S_TIMER))
            profile_tick(tf, true);
        if (handle_irq(cause & ~SCAUSE_INTR))
            sched_tick(true);
    } else if (cause == EXC_ECALL_U) {
        tf->regs[0] += 4;
        syscall_dispatch(tf);
    } else {
        proc_kill(proc_current(), EXIT_FAULT | (long)cause);
    }
    migrate_check(hart_self()->current, tf);
    lock_assert_none_held();
}

void trap_handle(struct trapframe *tf)
{
    if (tf->sstatus & SSTATUS_SPP) {
        trap_from_kernel(tf);
        return;
    }
    kernel_enter();
    trap_from_user(tf);
    /* The profiler names a kernel sample by the syscall's handler, or this trap path. */
    profile_kernel_exit(tf->scause == EXC_ECALL_U ? syscall_handler(tf->regs[17])
                                                  : (uintptr_t)trap_handle);
    kernel_exit();
}

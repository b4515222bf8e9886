/* SPDX-License-Identifier: BSD-2-Clause */
/* The notification syscalls: notify, notify_wait, timer and irq_register. */
#include <sys/handlers.h>
#include <sys/sys.h>
#include <core/notify.h>
#include <migrant/errno.h>
#include <migrant/rights.h>
#include <migrant/syscall.h>

long sys_notify(struct trapframe *tf)
{
    long pid = (long)TF_ARG(tf, 0);
    uint64_t bits = TF_ARG(tf, 1);
    if (!caller_may(R_NOTIFY))
        return E_PERM;
    if (pid <= 0 || bits == 0)
        return E_INVAL;
    return notify_signal(pid, bits);
}

/* The word (a0, or 0 for none) is read in notify_wait, before every block. */
long sys_notify_wait(struct trapframe *tf)
{
    return notify_wait(caller(), TF_ARG(tf, 0), TF_ARG(tf, 1));
}

/* The handler is the current process's; delay 0 disarms whatever the period. */
long sys_timer(struct trapframe *tf)
{
    uint64_t delay = TF_ARG(tf, 0), period = TF_ARG(tf, 1);
    if (delay > TIMER_MAX || (delay && period > TIMER_MAX))
        return E_INVAL;
    timer_arm(caller(), caller_proc()->id, delay, period);
    return 0;
}

/* The handler is the current process's. */
long sys_irq_register(struct trapframe *tf)
{
    uint64_t src = TF_ARG(tf, 0);
    if (!caller_may(R_IRQ))
        return E_PERM;
    if (!irq_valid(src))
        return E_INVAL;
    return irq_bind(caller(), caller_proc()->id, (uint32_t)src);
}

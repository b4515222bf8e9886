/* SPDX-License-Identifier: BSD-2-Clause */
#include <sys/handlers.h>
#include <sys/hold.h>
#include <sys/sys.h>
#include <base/platform.h>
#include <sync/kernel.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <migrant/errno.h>
#include <migrant/rights.h>
#include <migrant/syscall.h>

/*
 * Spins departed from the kernel's locks (the big lock, in the bkl
 * build), as the idle loop waits: the flusher under test must be able to
 * run meanwhile. The hart holds no lock and stays on the caller's space,
 * counted as in the kernel.
 */
static void stay_in_kernel(uint64_t until)
{
    kernel_depart((uintptr_t)sys_hold);
    while (cpu_time() < until)
        cpu_relax();
    kernel_enter();
}

long sys_hold(struct trapframe *tf)
{
    uint64_t mode = TF_ARG(tf, 0), us = TF_ARG(tf, 1);
    if (!caller_may(R_HOLD))
        return E_PERM;
    if (mode != HOLD_USER && mode != HOLD_KERNEL)
        return E_INVAL;
    if (us == 0 || us > HOLD_MAX_US)
        return E_RANGE;
    uint64_t start = cpu_time(), until = start + us * platform.timebase_hz / 1000000;
    TF_ARG(tf, 1) = start;
    if (mode == HOLD_KERNEL) {
        stay_in_kernel(until);
        TF_ARG(tf, 2) = cpu_time();
        return 0;
    }
    hart_self()->irq_held = true;
    timer_hold(until);
    TF_ARG(tf, 2) = until;
    return 0;
}

void hold_end(struct hart *h)
{
    h->irq_held = false;
    timer_release();
}

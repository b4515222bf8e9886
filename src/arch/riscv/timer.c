/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/irq.h>
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/smp.h>
#include <base/platform.h>

/* Every hart ticks, idle or not: the tick drives preemption and epoch reclamation. */
static uint64_t period(void) { return platform.timebase_hz / TICK_HZ; }

void timer_init_hart(void)
{
    arch_timer_init(platform.sstc);
    arch_timer_set(cpu_time() + period());
}

void timer_tick(void)
{
    arch_timer_set(cpu_time() + period());
}

/*
 * sys_hold's user mode: IPIs and external interrupts stay pending and
 * the next tick comes at `until`, so the hart runs user code until then
 * or until its next trap.
 */
void timer_hold(uint64_t until)
{
    csr_clear_sie(SIE_SSIE | SIE_SEIE);
    arch_timer_set(until);
}

/* A hold's end: what is pending is taken once interrupts are on again, and the ticks resume. */
void timer_release(void)
{
    csr_set_sie(SIE_SSIE | SIE_SEIE);
    timer_tick();
}

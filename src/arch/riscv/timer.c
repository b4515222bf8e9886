/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/irq.h>
#include <arch/cpu.h>
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

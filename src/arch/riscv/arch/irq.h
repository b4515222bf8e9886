/* SPDX-License-Identifier: BSD-2-Clause */
/* The timer and the external interrupt controller (PLIC), per hart. */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdbool.h>
#include <stdint.h>

/* PROFILE builds tick faster: the tick is also the profiler's sampling clock. */
#ifdef PROFILE
#define TICK_HZ 1000
#else
#define TICK_HZ 100
#endif

void timer_init_hart(void);
void timer_tick(void);
void timer_hold(uint64_t until);
void timer_release(void);
void plic_init(void);
void plic_init_hart(void);
uint32_t plic_claim(void);
bool plic_valid(uint32_t src);
void plic_enable(uint32_t src, int hart);
void plic_disable(uint32_t src, int hart);
void plic_complete(uint32_t src);
void trap_init_hart(void);

#endif

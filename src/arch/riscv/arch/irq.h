/* The timer and the external interrupt controller (PLIC), per hart. */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdint.h>

#define TICK_HZ 100

void timer_init_hart(void);
void timer_tick(void);
void plic_init(void);
void plic_init_hart(void);
void plic_handle(void);
void trap_init_hart(void);

#endif

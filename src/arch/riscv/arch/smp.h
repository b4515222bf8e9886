/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The firmware services generic code needs: starting harts, IPIs, the timer
 * and power. On RISC-V these are SBI calls.
 */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdbool.h>
#include <stdint.h>

int arch_hart_start(uint64_t hartid, uint64_t entry_pa, uint64_t opaque);
void arch_send_ipi(uint64_t hartid);
void arch_send_ipi_many(uint64_t base, uint64_t bits);
void arch_ipi_clear(void);
void arch_timer_init(bool sstc);
void arch_timer_set(uint64_t deadline);
void arch_early_putc(char c);
_Noreturn void arch_poweroff(int failed);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interface generic code uses to talk to the processor: interrupt
 * masking, the per-hart pointer, the time source and fences. Everything
 * here is static inline and costs a handful of instructions.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/csr.h>

struct hart;

static inline struct hart *cpu_hart(void)
{
    struct hart *h;
    __asm__ volatile("mv %0, tp" : "=r"(h));
    return h;
}

static inline void cpu_set_hart(struct hart *h)
{
    __asm__ volatile("mv tp, %0" : : "r"(h));
}

/* The kernel runs with interrupts off; these bracket the places that may take them. */
static inline void cpu_irq_enable(void) { csr_set_sstatus(SSTATUS_SIE); }
static inline void cpu_irq_disable(void) { csr_clear_sstatus(SSTATUS_SIE); }
static inline bool cpu_irq_enabled(void) { return csr_read_sstatus() & SSTATUS_SIE; }

/* Waits for an interrupt enabled in sie, even while sstatus.SIE is off. */
static inline void cpu_wait(void) { __asm__ volatile("wfi" ::: "memory"); }

static inline uint64_t cpu_time(void) { return csr_read_time(); }

/* Whether this hart's timer interrupt is due but not yet taken (interrupts are off). */
static inline bool cpu_timer_pending(void) { return csr_read_sip() & SIE_STIE; }

static inline void cpu_relax(void) { __asm__ volatile("nop" ::: "memory"); }

/*
 * Adds n to *p as one AMO that is ordered after every earlier memory
 * access of this hart and before every later one (amoadd.w.aqrl: an AMO
 * with both bits is sequentially consistent in RVWMO). gcc spells a
 * seq_cst fetch-add as a fence and an .aq AMO; this is one instruction.
 */
static inline void cpu_add_ordered(uint32_t *p, uint32_t n)
{
    __asm__ volatile("amoadd.w.aqrl zero, %1, (%0)" : : "r"(p), "r"(n) : "memory");
}

_Noreturn void cpu_halt(void);

#endif

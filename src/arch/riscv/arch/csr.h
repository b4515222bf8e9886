/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Supervisor CSRs, one tiny accessor per register. Only code under
 * src/arch/riscv/ includes this file.
 */
#ifndef ARCH_CSR_H
#define ARCH_CSR_H

#include <stdint.h>

#define SSTATUS_SIE   (1ul << 1)
#define SSTATUS_SPIE  (1ul << 5)
#define SSTATUS_SPP   (1ul << 8)
#define SSTATUS_SUM   (1ul << 18)

#define SIE_SSIE      (1ul << 1)
#define SIE_STIE      (1ul << 5)
#define SIE_SEIE      (1ul << 9)

#define SCAUSE_INTR   (1ul << 63)
#define IRQ_S_SOFT    1
#define IRQ_S_TIMER   5
#define IRQ_S_EXT     9

#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS      1
#define EXC_ILLEGAL          2
#define EXC_BREAKPOINT       3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS      5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U          8
#define EXC_INST_PAGE        12
#define EXC_LOAD_PAGE        13
#define EXC_STORE_PAGE       15

#define SATP_MODE_SV39 (8ul << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK  0xfffful

#define DEFINE_CSR(name)                                                      \
    static inline uint64_t csr_read_##name(void)                              \
    {                                                                         \
        uint64_t v;                                                           \
        __asm__ volatile("csrr %0, " #name : "=r"(v));                        \
        return v;                                                             \
    }                                                                         \
    static inline void csr_write_##name(uint64_t v)                           \
    {                                                                         \
        __asm__ volatile("csrw " #name ", %0" : : "r"(v) : "memory");         \
    }                                                                         \
    static inline void csr_set_##name(uint64_t v)                             \
    {                                                                         \
        __asm__ volatile("csrs " #name ", %0" : : "r"(v) : "memory");         \
    }                                                                         \
    static inline void csr_clear_##name(uint64_t v)                           \
    {                                                                         \
        __asm__ volatile("csrc " #name ", %0" : : "r"(v) : "memory");         \
    }

DEFINE_CSR(sstatus)
DEFINE_CSR(sie)
DEFINE_CSR(sip)
DEFINE_CSR(stvec)
DEFINE_CSR(sscratch)
DEFINE_CSR(sepc)
DEFINE_CSR(scause)
DEFINE_CSR(stval)
DEFINE_CSR(satp)
DEFINE_CSR(time)
DEFINE_CSR(scounteren)

/* Sstc's timer compare; only touched when the device tree says Sstc exists. */
static inline void csr_write_stimecmp(uint64_t v)
{
    __asm__ volatile("csrw 0x14d, %0" : : "r"(v) : "memory");
}

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/smp.h>
#include <arch/csr.h>
#include <arch/cpu.h>
#include <base/platform.h>

#define EXT_TIME  0x54494d45
#define EXT_IPI   0x735049
#define EXT_RFNC  0x52464e43
#define EXT_HSM   0x48534d
#define EXT_SRST  0x53525354
#define EXT_LEGACY_PUTCHAR 0x01

struct sbiret {
    long error;
    long value;
};

static struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2, long a3, long a4)
{
    register long r0 __asm__("a0") = a0;
    register long r1 __asm__("a1") = a1;
    register long r2 __asm__("a2") = a2;
    register long r3 __asm__("a3") = a3;
    register long r4 __asm__("a4") = a4;
    register long r6 __asm__("a6") = fid;
    register long r7 __asm__("a7") = ext;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1)
                     : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7)
                     : "memory");
    return (struct sbiret){ r0, r1 };
}

int arch_hart_start(uint64_t hartid, uint64_t entry_pa, uint64_t opaque)
{
    return (int)sbi_call(EXT_HSM, 0, (long)hartid, (long)entry_pa, (long)opaque, 0, 0).error;
}

void arch_send_ipi(uint64_t hartid)
{
    sbi_call(EXT_IPI, 0, 1, (long)hartid, 0, 0, 0);
}

/* Bit i of bits names hart id base + i. The firmware sets each pending bit and returns. */
void arch_send_ipi_many(uint64_t base, uint64_t bits)
{
    sbi_call(EXT_IPI, 0, (long)bits, (long)base, 0, 0, 0);
}

void arch_ipi_clear(void)
{
    csr_clear_sip(SIE_SSIE);
}

static bool use_sstc;

void arch_timer_init(bool sstc)
{
    use_sstc = sstc;
    csr_set_sie(SIE_STIE);
}

void arch_timer_set(uint64_t deadline)
{
    if (use_sstc)
        csr_write_stimecmp(deadline);
    else
        sbi_call(EXT_TIME, 0, (long)deadline, 0, 0, 0, 0);
}

void arch_early_putc(char c)
{
    sbi_call(EXT_LEGACY_PUTCHAR, 0, c, 0, 0, 0, 0);
}

#define SRST_SHUTDOWN 0
#define SRST_COLD_REBOOT 1
#define SRST_REASON_FAILURE 1

/*
 * Shutdown with reason "system failure" makes QEMU virt exit non-zero.
 * SRST returns only when the firmware has no device for the request: on
 * QEMU sifive_u the tree describes a gpio-restart and nothing that powers
 * off, so OpenSBI refuses a shutdown but can reset, which ends QEMU under
 * -no-reboot (the status is then only on the console). Where the tree
 * describes no restart either, a reset would boot the run again on a
 * board, so we halt instead.
 */
void arch_poweroff(int failed)
{
    long reason = failed ? SRST_REASON_FAILURE : 0;
    sbi_call(EXT_SRST, 0, SRST_SHUTDOWN, reason, 0, 0, 0);
    if (platform.restart)
        sbi_call(EXT_SRST, 0, SRST_COLD_REBOOT, reason, 0, 0, 0);
    cpu_halt();
}

void cpu_halt(void)
{
    for (;;) {
        cpu_irq_disable();
        cpu_wait();
    }
}

#ifdef PROFILE
#include <arch/pmu.h>

#define EXT_PMU 0x504d55
#define PMU_NUM_COUNTERS 0
#define PMU_COUNTER_INFO 1
#define PMU_CONFIG_MATCHING 2
#define PMU_COUNTER_STOP 4
#define PMU_FW_READ 5
#define PMU_CFG_CLEAR_VALUE (1 << 1)
#define PMU_CFG_AUTO_START (1 << 2)
#define PMU_STOP_RESET (1 << 0)
#define PMU_INFO_FIRMWARE (1ul << 63)

/* SBI event codes: general hardware (type 0), cache (type 1: id << 3 | op << 1 | miss), firmware (type 15). */
static const struct {
    const char *name;
    long code;
} events[] = {
    { "cycles", 0x1 },
    { "instructions", 0x2 },
    { "cache-references", 0x3 },
    { "cache-misses", 0x4 },
    { "branch-instructions", 0x5 },
    { "branch-misses", 0x6 },
    { "stalled-cycles-frontend", 0x8 },
    { "stalled-cycles-backend", 0x9 },
    { "L1-dcache-read-misses", 0x10001 },
    { "L1-icache-read-misses", 0x10009 },
    { "LLC-read-misses", 0x10011 },
    { "dTLB-read-misses", 0x10019 },
    { "dTLB-write-misses", 0x1001b },
    { "iTLB-read-misses", 0x10021 },
    { "fw:ipi-sent", 0xf0006 },
    { "fw:ipi-received", 0xf0007 },
    { "fw:sfence-vma-asid-sent", 0xf000c },
    { "fw:sfence-vma-asid-received", 0xf000d },
};

int arch_pmu_events(void)
{
    return (int)(sizeof(events) / sizeof(events[0]));
}

const char *arch_pmu_event_name(int e)
{
    return events[e].name;
}

long arch_pmu_start(int e)
{
    struct sbiret n = sbi_call(EXT_PMU, PMU_NUM_COUNTERS, 0, 0, 0, 0, 0);
    if (n.error)
        return n.error;
    long mask = n.value >= 64 ? -1 : (long)((1ul << n.value) - 1);
    struct sbiret r = sbi_call(EXT_PMU, PMU_CONFIG_MATCHING, 0, mask,
                               PMU_CFG_CLEAR_VALUE | PMU_CFG_AUTO_START, events[e].code, 0);
    return r.error ? r.error : r.value;
}

/* A hardware counter is a CSR (cycle, time, instret, hpmcounter3..31), whose number must be an immediate. */
#define READ_CSR(n) case 0xc00 + n: __asm__ volatile("csrr %0, %1" : "=r"(v) : "i"(0xc00 + n)); break;
static uint64_t read_counter_csr(unsigned csr)
{
    uint64_t v = 0;
    switch (csr) {
    READ_CSR(0) READ_CSR(1) READ_CSR(2) READ_CSR(3) READ_CSR(4) READ_CSR(5) READ_CSR(6) READ_CSR(7)
    READ_CSR(8) READ_CSR(9) READ_CSR(10) READ_CSR(11) READ_CSR(12) READ_CSR(13) READ_CSR(14)
    READ_CSR(15) READ_CSR(16) READ_CSR(17) READ_CSR(18) READ_CSR(19) READ_CSR(20) READ_CSR(21)
    READ_CSR(22) READ_CSR(23) READ_CSR(24) READ_CSR(25) READ_CSR(26) READ_CSR(27) READ_CSR(28)
    READ_CSR(29) READ_CSR(30) READ_CSR(31)
    }
    return v;
}

uint64_t arch_pmu_stop(long ctr)
{
    struct sbiret info = sbi_call(EXT_PMU, PMU_COUNTER_INFO, ctr, 0, 0, 0, 0);
    uint64_t v = (uint64_t)info.value & PMU_INFO_FIRMWARE
        ? (uint64_t)sbi_call(EXT_PMU, PMU_FW_READ, ctr, 0, 0, 0, 0).value
        : read_counter_csr((unsigned)info.value & 0xfff);
    sbi_call(EXT_PMU, PMU_COUNTER_STOP, ctr, 1, PMU_STOP_RESET, 0, 0);
    return v;
}
#endif

#include <arch/smp.h>
#include <arch/csr.h>
#include <arch/cpu.h>

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

void arch_ipi_clear(void)
{
    csr_clear_sip(SIE_SSIE);
}

void arch_fence_asid(uint64_t hartid, uint64_t asid)
{
    sbi_call(EXT_RFNC, 2, 1, (long)hartid, 0, 0, (long)asid);
}

/* Every address space on every hart (hart_mask_base -1: all harts; start and size 0: everything). */
void arch_fence_all(void)
{
    sbi_call(EXT_RFNC, 1, 0, -1, 0, 0, 0);
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

/* Shutdown with reason "system failure" makes QEMU exit non-zero. */
void arch_poweroff(int failed)
{
    sbi_call(EXT_SRST, 0, 0, failed ? 1 : 0, 0, 0, 0);
    cpu_halt();
}

void cpu_halt(void)
{
    for (;;) {
        cpu_irq_disable();
        cpu_wait();
    }
}

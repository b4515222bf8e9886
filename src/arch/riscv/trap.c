/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decodes a trap (trap.S saved the frame) and hands it to the generic
 * entry code (sys/entry.c), which owns everything that follows.
 */
#include <arch/csr.h>
#include <arch/entry.h>
#include <arch/irq.h>
#include <arch/kmap.h>
#include <arch/trapframe.h>
#include <sys/entry.h>
#include <base/printk.h>

void trap_init_hart(void)
{
    csr_write_sscratch(0);
    /* User code may read cycle, time and instret (benchmarks count instructions). */
    csr_write_scounteren(7);
    csr_write_stvec((uint64_t)trap_entry);
    csr_set_sie(SIE_SSIE | SIE_SEIE);
}

static enum irq_kind irq_kind_of(uint64_t cause)
{
    switch (cause) {
    case IRQ_S_TIMER:
        return IRQ_TIMER;
    case IRQ_S_SOFT:
        return IRQ_IPI;
    case IRQ_S_EXT:
        return IRQ_EXTERNAL;
    default:
        panic("unexpected interrupt %lu", cause);
    }
}

static const char *access_of(uint64_t cause)
{
    return cause == EXC_STORE_PAGE ? "store to" : cause == EXC_LOAD_PAGE ? "load from" : "jump to";
}

/*
 * A kernel trap is a bug: says what the kernel did to which memory, as
 * far as the page tables tell. After a jump sepc is the target, so the
 * jump's message gives ra, where the call came from.
 */
static _Noreturn void panic_kernel_trap(const struct trapframe *tf)
{
    uint64_t cause = tf->scause, addr = tf->stval;
    bool page_fault = cause == EXC_STORE_PAGE || cause == EXC_LOAD_PAGE || cause == EXC_INST_PAGE;
    pte_t leaf = page_fault ? kmap_leaf(addr) : 0;
    if (page_fault && !leaf)
        panic("kernel %s unmapped address %lx (%s) sepc %lx", access_of(cause), addr, kmap_region(addr),
              TF_PC(tf));
    if (leaf && !(leaf & PTE_U) && cause == EXC_STORE_PAGE && !(leaf & PTE_W))
        panic("kernel store to read-only memory at %lx (%s) sepc %lx", addr, kmap_region(addr), TF_PC(tf));
    if (leaf && !(leaf & PTE_U) && cause == EXC_INST_PAGE && !(leaf & PTE_X))
        panic("kernel jumped to non-executable memory at %lx (%s) ra %lx", addr, kmap_region(addr),
              tf->regs[1]);
    panic("kernel trap: scause %lx sepc %lx stval %lx", cause, TF_PC(tf), addr);
}

void trap_handle(struct trapframe *tf)
{
    uint64_t cause = tf->scause;
    bool from_user = !(tf->sstatus & SSTATUS_SPP);
    if (cause & SCAUSE_INTR)
        entry_interrupt(tf, irq_kind_of(cause & ~SCAUSE_INTR), from_user);
    else if (!from_user)
        panic_kernel_trap(tf);
    else if (cause == EXC_ECALL_U) {
        TF_PC(tf) += 4;
        entry_syscall(tf);
    } else {
        entry_fault(tf, (long)cause);
    }
}

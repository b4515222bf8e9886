/* SPDX-License-Identifier: BSD-2-Clause */
/* The syscalls about the machine and the kernel: console, power, clock, counts, identity, board, profiler, tracer. */
#include <sys/handlers.h>
#include <sys/sys.h>
#include <base/platform.h>
#include <base/printk.h>
#include <core/activation.h>
#include <mm/aspace.h>
#include <mm/page.h>
#include <mm/tlb.h>
#include <sync/epoch.h>
#include <sync/idtable.h>
#include <arch/cpu.h>
#include <arch/smp.h>
#include <debug/profile.h>
#include <debug/trace.h>
#include <migrant/errno.h>
#include <migrant/rights.h>
#include <migrant/syscall.h>
#include <string.h>

long sys_puts(struct trapframe *tf)
{
    char buf[PUTS_MAX];
    uint64_t len = TF_ARG(tf, 1);
    if (len > PUTS_MAX)
        return E_RANGE;
    if (copy_from_user(caller()->as, buf, TF_ARG(tf, 0), len))
        return E_FAULT;
    console_write(buf, len);
    return (long)len;
}

long sys_poweroff(struct trapframe *tf)
{
    if (!caller_may(R_POWER))
        return E_PERM;
    printk("MIGRANT-END status=%ld\n", (long)TF_ARG(tf, 0));
    arch_poweroff(TF_ARG(tf, 0) != 0);
}

long sys_clock(struct trapframe *tf)
{
    TF_ARG(tf, 1) = platform.timebase_hz;
    return (long)cpu_time();
}

long sys_stats(struct trapframe *tf)
{
    TF_ARG(tf, 1) = idtable_live(&proc_table);
    TF_ARG(tf, 2) = idtable_live(&thread_table);
    TF_ARG(tf, 3) = (uint64_t)nharts;
    TF_ARG(tf, 4) = (uint64_t)(epoch_pending() + tlb_pending());
    TF_ARG(tf, 5) = (uint64_t)activation_kept_pages(caller_proc());
    return (long)page_free_count();
}

long sys_self(struct trapframe *tf)
{
    struct hart *h = hart_self();
    TF_ARG(tf, 1) = (uint64_t)h->current->id;
    TF_ARG(tf, 2) = (uint64_t)h->index;
    TF_ARG(tf, 3) = h->hartid;
    return caller_proc()->id;
}

long sys_cmdline(struct trapframe *tf)
{
    uint64_t len = TF_ARG(tf, 1), have = strlen(platform.bootargs);
    if (len > CMDLINE_MAX)
        return E_RANGE;
    if (len > have)
        len = have;
    if (copy_to_user(caller()->as, TF_ARG(tf, 0), platform.bootargs, len))
        return E_FAULT;
    return (long)len;
}

long sys_uart_info(struct trapframe *tf)
{
    TF_ARG(tf, 1) = platform.uart.reg.size;
    TF_ARG(tf, 2) = platform.uart.irq;
    TF_ARG(tf, 3) = platform.uart.reg_shift | platform.uart.reg_width << 8 |
                    (uint64_t)platform.uart.kind << 16;
    return (long)platform.uart.reg.base;
}

/* start and stop act on the calling hart: the caller visits every hart it measures. */
long sys_profile(struct trapframe *tf)
{
    return profile_control(TF_ARG(tf, 0));
}

/* As sys_profile: start and stop act on the calling hart. */
long sys_trace(struct trapframe *tf)
{
    return trace_control(TF_ARG(tf, 0));
}

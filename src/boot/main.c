/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot: the boot hart reads the device tree, brings up memory and the
 * kernel objects, starts the other harts through SBI HSM, and spawns
 * /init. Then every hart idles in its scheduler.
 */
#include <base/platform.h>
#include <base/printk.h>
#include <core/proc.h>
#include <core/thread.h>
#include <core/sched.h>
#include <mm/aspace.h>
#include <mm/page.h>
#include <mm/shm.h>
#include <mm/tlb.h>
#include <sync/epoch.h>
#include <base/hart.h>
#include <sync/kernel.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/smp.h>
#include <arch/wxtest.h>
#include <migrant/rights.h>
#include <ck_pr.h>

extern char __image_start[], __image_end[];
void secondary_entry(void);
void kmain(uint64_t hartid, uint64_t dtb_pa, uint64_t load_pa);
void hart_main(void);

static int online;

static void reserve_boot_memory(uint64_t dtb_pa, uint64_t load_pa)
{
    platform.dtb.base = dtb_pa;
    platform_add_reserved(load_pa, (uint64_t)(__image_end - __image_start));
    platform_add_reserved(dtb_pa, platform.dtb.size);
    if (platform.initrd.size)
        platform_add_reserved(platform.initrd.base, platform.initrd.size);
}

/* What every hart does before it can run threads. */
static void hart_setup(void)
{
    struct hart *h = hart_self();
    trap_init_hart();
    epoch_register_hart();
    sched_init_hart();
    plic_init_hart();
    timer_init_hart();
    printk("hart %d (id %lu) online\n", h->index, h->hartid);
    ck_pr_inc_int(&online);
}

static void start_secondaries(void)
{
    for (int i = 0; i < nharts; i++) {
        struct hart *h = &harts[i];
        if (h == hart_self())
            continue;
        uint64_t stack = page_alloc_order(2);
        if (!stack)
            panic("no memory for hart %d's stack", i);
        h->boot = (struct hart_boot){ mmu_kernel_satp(), (uint64_t)pa_to_va(stack) + 4 * PAGE_SIZE, h };
        ck_pr_fence_store();
        if (arch_hart_start(h->hartid, kernel_pa(secondary_entry), kernel_pa(&h->boot)) != 0)
            panic("hart id %lu did not start", h->hartid);
    }
    while (ck_pr_load_int(&online) < nharts)
        cpu_relax();
}

static void add_harts(uint64_t boot_hartid)
{
    for (int i = 0; i < platform.ncpus; i++)
        hart_add(platform.hartid[i]);
    int me = hart_index_of(boot_hartid);
    if (me < 0)
        panic("boot hart %lu is not in the device tree", boot_hartid);
    cpu_set_hart(&harts[me]);
}

void kmain(uint64_t hartid, uint64_t dtb_pa, uint64_t load_pa)
{
    platform.boot_hartid = hartid;
    if (platform_probe(pa_to_va(dtb_pa)) != 0)
        panic("unusable device tree at %lx", dtb_pa);
    reserve_boot_memory(dtb_pa, load_pa);
    console_init();
    /* The lock build is named here so a captured console log says which one ran. */
    printk("migrant: booting on hart id %lu, %d harts, timebase %lu Hz%s, locking=%s\n", hartid,
           platform.ncpus, platform.timebase_hz, platform.sstc ? ", sstc" : "", LOCKING_NAME);
    page_init(load_pa);
    mmu_init();
    printk("migrant: %lu free pages, %u ASID bits\n", page_free_count(), asid_bits());
    epoch_init();
    thread_init();
    proc_init();
    aspace_init();
    shm_init();
    plic_init();
    add_harts(hartid);
    tlb_setup_harts();
    hart_setup();
    start_secondaries();
    kernel_enter();
    printk("migrant: all %d harts online, args \"%s\"\n", nharts, platform.bootargs);
    wxtest_run();
    if (proc_spawn(NULL, "/init", R_ALL, NULL) < 0)
        panic("cannot start /init");
    sched_idle();
}

void hart_main(void)
{
    kernel_enter();
    hart_setup();
    sched_idle();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The board, as the device tree describes it. Filled once on the boot hart
 * and read-only afterwards; nothing here is a QEMU constant.
 */
#ifndef BASE_PLATFORM_H
#define BASE_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <base/config.h>
#include <migrant/syscall.h>

struct phys_range {
    uint64_t base, size;
};

/* The console UART's register interface, from its node's compatible; user drivers see it too. */
enum uart_kind {
    UART_NS16550 = UART_KIND_NS16550,
    UART_SIFIVE = UART_KIND_SIFIVE,
};

struct platform {
    struct phys_range mem[PLAT_MAX_MEM];
    int nmem;
    struct phys_range rsv[PLAT_MAX_RSV];   /* firmware, dtb, initrd, kernel */
    int nrsv;

    uint64_t boot_hartid;                   /* set before platform_probe: kept among the first MAX_HARTS */
    int ncpus;                              /* usable harts, in device-tree order */
    uint64_t hartid[MAX_HARTS];
    uint32_t intc_phandle[MAX_HARTS];
    uint64_t timebase_hz;
    bool sstc;

    struct {
        struct phys_range reg;
        enum uart_kind kind;
        uint32_t reg_shift, reg_width, clock_hz, irq;
        bool found;
    } uart;
    /*
     * The tree describes a restart device (gpio-restart, syscon-reboot) for
     * the firmware to drive: where it describes no power-off, as on QEMU
     * sifive_u, a reset is the only way the machine can end a run.
     */
    bool restart;

    struct {
        struct phys_range reg;
        uint32_t ndev;
        int32_t sctx[MAX_HARTS];             /* S-mode context of cpu i, -1 if none */
        bool found;
    } plic;

    struct phys_range initrd;
    struct phys_range dtb;
    char bootargs[256];
};

extern struct platform platform;

int platform_probe(const void *dtb);
bool platform_is_ram(uint64_t base, uint64_t size);
void platform_add_reserved(uint64_t base, uint64_t size);
const char *platform_arg_text(const char *key);
unsigned long platform_arg(const char *key, unsigned long dflt);

#endif

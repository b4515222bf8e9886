/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/irq.h>
#include <base/platform.h>
#include <arch/layout.h>
#include <base/hart.h>
#include <base/printk.h>

#define PLIC_PRIORITY   0x0
#define PLIC_ENABLE     0x2000
#define PLIC_ENABLE_CTX 0x80
#define PLIC_CONTEXT    0x200000
#define PLIC_CTX_SIZE   0x1000
#define PLIC_THRESHOLD  0x0
#define PLIC_CLAIM      0x4

static volatile uint32_t *reg(uint64_t off)
{
    return (volatile uint32_t *)((char *)pa_to_va(platform.plic.reg.base) + off);
}

static int32_t my_context(void)
{
    return platform.plic.sctx[hart_self()->index];
}

/* Sources start masked (priority 0); user-space drivers will unmask theirs. */
void plic_init(void)
{
    for (uint32_t src = 1; platform.plic.found && src <= platform.plic.ndev; src++)
        *reg(PLIC_PRIORITY + 4 * src) = 0;
}

void plic_init_hart(void)
{
    int32_t ctx = my_context();
    if (!platform.plic.found || ctx < 0)
        return;
    for (uint32_t w = 0; w <= platform.plic.ndev / 32; w++)
        *reg(PLIC_ENABLE + (uint64_t)ctx * PLIC_ENABLE_CTX + 4 * w) = 0;
    *reg(PLIC_CONTEXT + (uint64_t)ctx * PLIC_CTX_SIZE + PLIC_THRESHOLD) = 0;
}

static int32_t context_of(int hart)
{
    return platform.plic.sctx[hart];
}

bool plic_valid(uint32_t src)
{
    return platform.plic.found && src >= 1 && src <= platform.plic.ndev;
}

/* Routes src to one hart's S-mode context only, so one thread's hart claims it. */
void plic_enable(uint32_t src, int hart)
{
    int32_t ctx = context_of(hart);
    if (ctx < 0)
        return;
    volatile uint32_t *en = reg(PLIC_ENABLE + (uint64_t)ctx * PLIC_ENABLE_CTX + 4 * (src / 32));
    *en |= 1u << (src % 32);
    *reg(PLIC_PRIORITY + 4 * src) = 1;
}

void plic_disable(uint32_t src, int hart)
{
    int32_t ctx = context_of(hart);
    *reg(PLIC_PRIORITY + 4 * src) = 0;
    if (ctx < 0)
        return;
    volatile uint32_t *en = reg(PLIC_ENABLE + (uint64_t)ctx * PLIC_ENABLE_CTX + 4 * (src / 32));
    *en &= ~(1u << (src % 32));
}

void plic_complete(uint32_t src)
{
    int32_t ctx = my_context();
    if (ctx >= 0)
        *reg(PLIC_CONTEXT + (uint64_t)ctx * PLIC_CTX_SIZE + PLIC_CLAIM) = src;
}

/*
 * The next source pending for this hart's context, or 0. A claimed
 * source stays masked until plic_complete: the generic entry code hands
 * it to its thread, whose handler's response completes it.
 */
uint32_t plic_claim(void)
{
    int32_t ctx = my_context();
    if (ctx < 0)
        return 0;
    return *reg(PLIC_CONTEXT + (uint64_t)ctx * PLIC_CTX_SIZE + PLIC_CLAIM);
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <dev/ns16550.h>

#define REG_THR 0
#define REG_IER 1
#define REG_LSR 5
#define LSR_THRE 0x20

static uint32_t reg_read(struct ns16550 *u, int reg)
{
    volatile uint8_t *p = u->base + ((uint64_t)reg << u->shift);
    return u->width == 4 ? *(volatile uint32_t *)p : *p;
}

static void reg_write(struct ns16550 *u, int reg, uint32_t v)
{
    volatile uint8_t *p = u->base + ((uint64_t)reg << u->shift);
    if (u->width == 4)
        *(volatile uint32_t *)p = v;
    else
        *p = (uint8_t)v;
}

/* The firmware already set the baud rate; we only keep its interrupts off. */
void ns16550_init(struct ns16550 *u, void *base, uint32_t shift, uint32_t width)
{
    u->base = base;
    u->shift = shift;
    u->width = width;
    reg_write(u, REG_IER, 0);
}

void ns16550_putc(struct ns16550 *u, char c)
{
    while (!(reg_read(u, REG_LSR) & LSR_THRE))
        ;
    reg_write(u, REG_THR, (uint8_t)c);
}

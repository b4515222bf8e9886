/* SPDX-License-Identifier: BSD-2-Clause */
/* A polled ns16550-compatible UART (QEMU virt, and the DesignWare UART on real boards). */
#ifndef DEV_NS16550_H
#define DEV_NS16550_H

#include <stdint.h>

struct ns16550 {
    volatile uint8_t *base;
    uint32_t shift;              /* registers are 1 << shift bytes apart */
    uint32_t width;              /* access width in bytes: 1 or 4 */
};

void ns16550_init(struct ns16550 *u, void *base, uint32_t shift, uint32_t width);
void ns16550_putc(struct ns16550 *u, char c);

#endif

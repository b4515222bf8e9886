/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A polled SiFive UART (sifive,uart0: QEMU sifive_u, the HiFive Unleashed
 * and Unmatched): 32-bit registers, a transmit FIFO whose "full" bit is
 * read back from the data register itself.
 */
#ifndef DEV_SIFIVE_UART_H
#define DEV_SIFIVE_UART_H

#include <stdint.h>

struct sifive_uart {
    volatile uint32_t *base;
};

void sifive_uart_init(struct sifive_uart *u, void *base);
void sifive_uart_putc(struct sifive_uart *u, char c);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#include <dev/sifive_uart.h>

/* Word offsets of the registers this driver touches (FU540 manual, "UART"). */
#define REG_TXDATA 0             /* write: a byte to send; read: bit 31 = FIFO full */
#define REG_TXCTRL 2             /* bit 0 enables the transmitter */
#define REG_IE 4                 /* interrupt enables: tx and rx watermarks */
#define TXDATA_FULL (1u << 31)
#define TXCTRL_TXEN 1u

/*
 * The firmware already set the divisor for the board's clock; we keep its
 * interrupts off (the console is polled) and make sure the transmitter is
 * on, without touching its stop bits or watermark.
 */
void sifive_uart_init(struct sifive_uart *u, void *base)
{
    u->base = base;
    u->base[REG_IE] = 0;
    u->base[REG_TXCTRL] |= TXCTRL_TXEN;
}

/*
 * Reading txdata to test "full" has no side effect, unlike reading rxdata,
 * which pops a byte; so the wait loop can only ever read txdata.
 */
void sifive_uart_putc(struct sifive_uart *u, char c)
{
    while (u->base[REG_TXDATA] & TXDATA_FULL)
        ;
    u->base[REG_TXDATA] = (uint8_t)c;
}

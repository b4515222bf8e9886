/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * irq_uart_driver: a user-space driver for the console UART's receive
 * path. It maps the UART's registers (R_DEVMEM), binds its PLIC interrupt
 * (R_IRQ), enables receive interrupts and says READY; the harness then
 * types the manifest's input into QEMU's serial port. Each interrupt
 * arrives as a forced migration into migrant_irq, which drains the FIFO
 * and echoes every character back out. The test passes when it received
 * exactly the input=... word of the command line, through at least one
 * interrupt.
 *
 * The driver speaks both register interfaces SYS_UART_INFO can name: an
 * ns16550 (QEMU virt, the DesignWare UART of a VisionFive 2) and a SiFive
 * UART (QEMU sifive_u, the HiFive boards); any other kind fails the test
 * by name rather than poking registers it does not know.
 */
#include <test.h>

/* ns16550: byte registers, 1 << reg_shift bytes apart, reg_width wide. */
#define NS_RBR 0
#define NS_THR 0
#define NS_IER 1
#define NS_LSR 5
#define NS_LSR_DR 0x01
#define NS_LSR_THRE 0x20
#define NS_IER_RX 0x01

/* SiFive UART: 32-bit registers, word offsets (FU540 manual, "UART"). */
#define SF_TXDATA 0		/* bit 31 on read: the transmit FIFO is full */
#define SF_RXDATA 1		/* bit 31: the receive FIFO was empty; a read pops */
#define SF_RXCTRL 3		/* bit 0 enables the receiver; 18:16 the watermark */
#define SF_IE 4
#define SF_FIFO_BIT (1u << 31)
#define SF_RXCTRL_RXEN 1u
#define SF_RXCTRL_CNT (7u << 16)
#define SF_IE_RXWM 2u		/* interrupt while more than the watermark (0) waits */

#define MAX_INPUT 128

static volatile unsigned char *regs;
static struct uart_info uart;
static char got[MAX_INPUT];
static volatile long ngot, interrupts;

static unsigned ns_read(int reg)
{
	volatile unsigned char *p = regs + ((long)reg << uart.reg_shift);

	return uart.reg_width == 4 ? *(volatile unsigned *)p : *p;
}

static void ns_write(int reg, unsigned v)
{
	volatile unsigned char *p = regs + ((long)reg << uart.reg_shift);

	if (uart.reg_width == 4)
		*(volatile unsigned *)p = v;
	else
		*p = (unsigned char)v;
}

static volatile unsigned *sf_reg(int reg)
{
	return (volatile unsigned *)regs + reg;
}

/* The next received byte, or -1 if none waits. */
static int rx_byte(void)
{
	if (uart.kind == UART_KIND_SIFIVE) {
		unsigned v = *sf_reg(SF_RXDATA);

		return v & SF_FIFO_BIT ? -1 : (int)(v & 0xff);
	}
	return ns_read(NS_LSR) & NS_LSR_DR ? (int)(ns_read(NS_RBR) & 0xff) : -1;
}

static void tx_byte(unsigned c)
{
	if (uart.kind == UART_KIND_SIFIVE) {
		while (*sf_reg(SF_TXDATA) & SF_FIFO_BIT)
			;
		*sf_reg(SF_TXDATA) = c;
		return;
	}
	while (!(ns_read(NS_LSR) & NS_LSR_THRE))
		;
	ns_write(NS_THR, c);
}

static void rx_irq_enable(int on)
{
	if (uart.kind == UART_KIND_SIFIVE) {
		/* Watermark 0: the line is up while any byte waits. */
		if (on)
			*sf_reg(SF_RXCTRL) = (*sf_reg(SF_RXCTRL) & ~SF_RXCTRL_CNT) | SF_RXCTRL_RXEN;
		*sf_reg(SF_IE) = on ? SF_IE_RXWM : 0;
		return;
	}
	ns_write(NS_IER, on ? NS_IER_RX : 0);
}

/* The handler: the source stays masked until we respond (the runtime does). */
void migrant_irq(long source)
{
	int c;

	(void)source;
	interrupts++;
	while ((c = rx_byte()) >= 0) {
		if (ngot < MAX_INPUT - 1)
			got[ngot++] = (char)c;
		tx_byte((unsigned)c);
	}
}

int main(void)
{
	char want[MAX_INPUT];
	long va, want_len;

	test_start("irq_uart_driver");
	want_len = test_arg_str("input", want, sizeof(want));
	CHECK(want_len > 0);
	sys_uart_info(&uart);
	CHECK(uart.size > 0 && uart.irq > 0);
	CHECK(uart.kind == UART_KIND_NS16550 || uart.kind == UART_KIND_SIFIVE);
	va = sys_devmem_map(uart.base & ~4095l, 4096);
	CHECK(va > 0);
	regs = (volatile unsigned char *)(va + (uart.base & 4095));
	CHECK_EQ(sys_irq_register(uart.irq), 0);
	CHECK_EQ(sys_irq_register(uart.irq), E_BUSY);
	rx_irq_enable(1);
	printf("READY\n");
	/*
	 * Not sys_notify_wait: the handler runs on this thread wherever it
	 * is, so the last interrupt can come between the test of ngot and the
	 * wait, which then sleeps with nothing left to wake it (seen at 4
	 * harts under LOCKDEBUG). Yielding re-tests ngot after every return
	 * to user mode, which is where the handler runs.
	 */
	while (ngot < want_len)
		sys_yield();
	rx_irq_enable(0);
	got[ngot] = '\0';
	printf("\nirq_uart_driver: echoed \"%s\" through %ld interrupts\n", got, interrupts);
	CHECK(interrupts >= 1);
	CHECK(strcmp(got, want) == 0);
	test_pass();
	return 0;
}

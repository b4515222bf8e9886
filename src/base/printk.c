/* SPDX-License-Identifier: BSD-2-Clause */
#include <base/printk.h>
#include <dev/ns16550.h>
#include <dev/sifive_uart.h>
#include <lib/fmt.h>
#include <arch/smp.h>
#include <base/platform.h>
#include <base/hart.h>
#include <sync/lock.h>
#include <arch/layout.h>

/*
 * Protects the UART's transmit side so lines from different harts never
 * interleave; class console, rank 90, irqs off.
 */
static struct lock console_lock = LOCK_INIT(LC_CONSOLE);
static struct ns16550 console_ns16550;
static struct sifive_uart console_sifive;
/* 0 until console_init has set up the UART the device tree names. */
static enum uart_kind console_kind;

void console_init(void)
{
    if (!platform.uart.found)
        return;
    void *base = pa_to_va(platform.uart.reg.base);
    if (platform.uart.kind == UART_SIFIVE)
        sifive_uart_init(&console_sifive, base);
    else
        ns16550_init(&console_ns16550, base, platform.uart.reg_shift, platform.uart.reg_width);
    console_kind = platform.uart.kind;
}

/* Before the device tree names a UART, the firmware's console prints for us. */
static void emit_char(char c)
{
    switch (console_kind) {
    case UART_NS16550:
        ns16550_putc(&console_ns16550, c);
        break;
    case UART_SIFIVE:
        sifive_uart_putc(&console_sifive, c);
        break;
    default:
        arch_early_putc(c);
        break;
    }
}

static void emit(const char *s, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        if (s[i] == '\n')
            emit_char('\r');
        emit_char(s[i]);
    }
}

void console_write(const char *s, unsigned long len)
{
    lock_acquire(&console_lock);
    emit(s, len);
    lock_release(&console_lock);
}

void printk(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    console_write(buf, (unsigned long)n);
}

/*
 * Panic writes without the console lock (the holder may be the one that
 * panicked) and takes the machine down with a failure status, so a test
 * run ends at once instead of hanging until its timeout.
 */
void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    cpu_irq_disable();
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    struct hart *h = hart_self();
    char head[64];
    int hn = fmt_snprintf(head, sizeof(head), "\nPANIC (hart %d): ", h ? h->index : -1);
    emit(head, (unsigned long)hn);
    emit(buf, (unsigned long)n);
    emit("\n", 1);
    arch_poweroff(1);
}

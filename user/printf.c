/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf and snprintf on top of the shared formatter.
 */
#include <migrant.h>

/* fmt.h sits beside the kernel sources it is shared with, off our -I path. */
#include <lib/fmt.h>

int printf(const char *fmt, ...)
{
	char buf[PRINTF_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/*
	 * One sys_puts for the whole line: the kernel writes each call out
	 * whole, so lines from different harts never interleave.
	 */
	sys_puts(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

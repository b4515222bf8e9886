/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf-style formatting into a caller's buffer, shared by the kernel's
 * printk and the user runtime's printf. Pure: no syscalls, no globals, so
 * it is safe on any hart at any time.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%. Flags '-' (left-justify) and
 * '0' (zero-pad), a decimal width, and the length modifiers l, ll and z.
 * Anything else is copied through as text and consumes no argument, so a
 * bad format shows up in the output instead of shifting the arguments.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Like C99 vsnprintf: writes at most size bytes including the NUL (none if
 * size is 0) and returns the length the whole output would have had.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

__attribute__((format(printf, 3, 4)))
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* The kernel's debug console output and panic. */
#ifndef BASE_PRINTK_H
#define BASE_PRINTK_H

#include <stdarg.h>
#include <lib/compiler.h>

void console_init(void);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, unsigned long len);
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Checks an invariant of the lock-free protocols in LOCKDEBUG builds, the
 * builds that check the locks too; elsewhere it compiles to nothing and
 * does not evaluate c, so the paths it guards stay as fast as without it.
 */
#ifdef LOCKDEBUG
#define assert(c)                                                             \
    do {                                                                      \
        if (unlikely(!(c)))                                                   \
            panic("ASSERT %s at %s:%d", #c, __FILE__, __LINE__);              \
    } while (0)
#else
#define assert(c) ((void)sizeof(c))
#endif

#endif

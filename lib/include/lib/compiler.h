/* SPDX-License-Identifier: BSD-2-Clause */
/* Compiler hints shared by the kernel and user code. */
#ifndef LIB_COMPILER_H
#define LIB_COMPILER_H

/* Branch hints: the fast path's checks are unlikely to fail. */
#define likely(c)   __builtin_expect(!!(c), 1)
#define unlikely(c) __builtin_expect(!!(c), 0)

#endif

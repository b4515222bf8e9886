/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The W^X test build (make WXTEST=1, booted by `make wx-check`): with
 * `wxtest=text` on the command line the kernel, once every hart is online,
 * stores to its own text; with `wxtest=dmap` it jumps into a page of the
 * direct map. Each must panic, saying which. Without WXTEST this compiles
 * to nothing, so no production kernel can be asked to crash itself.
 */
#ifndef ARCH_WXTEST_H
#define ARCH_WXTEST_H

#ifdef WXTEST
void wxtest_run(void);
#else
static inline void wxtest_run(void) {}
#endif

#endif

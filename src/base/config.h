/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's compile-time sizes, in one place. Plain #defines only:
 * boot.S and the arch headers include it too.
 */
#ifndef BASE_CONFIG_H
#define BASE_CONFIG_H

#define MAX_HARTS       128      /* entries of harts[]; boot.S walks them */
#define PCACHE_MAX      64       /* free pages a hart keeps for itself */
#define BCACHE_ORDERS   2        /* orders 1 and 2 (a thread and its kernel stack) are also cached per hart */
#define BCACHE_MAX      8        /* free blocks of each of those orders a hart keeps */
#define LOCKDEBUG_DEPTH 16       /* locks one hart may hold at once (LOCKDEBUG) */
#define PLAT_MAX_MEM    8        /* memory ranges read from the device tree */
#define PLAT_MAX_RSV    16       /* reserved ranges: firmware, dtb, initrd, kernel */
#define AS_MAX_REGIONS  64       /* mapped regions of one address space */
#define CACHE_LINE      64       /* bytes: what per-hart counters are padded to */

#endif

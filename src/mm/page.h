/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Physical page frames: a buddy allocator per memory region behind one lock
 * each, with a per-hart cache of single pages so the common alloc and free
 * take no lock at all. Pages mapped into user space carry a reference count
 * so a shared page is freed by whoever drops the last mapping.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <stdint.h>
#include <arch/layout.h>

void page_init(uint64_t image_pa);
uint64_t page_alloc(void);                 /* one zeroed page, or 0 */
void page_free(uint64_t pa);
uint64_t page_alloc_order(unsigned order); /* 2^order contiguous zeroed pages, or 0 */
unsigned page_order_for(uint64_t bytes);   /* the smallest order whose block holds `bytes` */
void page_free_order(uint64_t pa, unsigned order);
void page_ref(uint64_t pa);                /* one more mapping of a user page */
void page_unref(uint64_t pa);              /* drops one; frees the page at zero */
uint64_t page_free_count(void);
void page_poll(void);                      /* at each tick: drains the caches if another hart asked */
uint64_t kernel_pa(const void *kernel_symbol);

#endif

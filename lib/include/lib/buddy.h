/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A binary buddy allocator over one contiguous run of page frames. Pure
 * bookkeeping with no locking and no knowledge of addresses, so the host
 * unit tests run it directly; src/mm/page.c adds the locks and per-hart
 * caches.
 */
#ifndef LIB_BUDDY_H
#define LIB_BUDDY_H

#include <stdint.h>
#include <stddef.h>

#define BUDDY_ORDERS 11          /* blocks of 1 .. 1024 pages */
#define BUDDY_NONE   UINT32_MAX

struct buddy_frame {
    uint32_t next, prev;         /* free-list links, frame indices */
    uint8_t order;               /* order of the block this frame heads */
    uint8_t free;                /* heads a free block */
};

struct buddy {
    struct buddy_frame *frames;
    uint32_t nframes;
    uint32_t head[BUDDY_ORDERS];
    uint64_t nfree;              /* free frames in all lists */
};

void buddy_init(struct buddy *b, struct buddy_frame *frames, uint32_t nframes);
void buddy_free(struct buddy *b, uint32_t frame, unsigned order);
void buddy_free_range(struct buddy *b, uint32_t first, uint32_t count);
uint32_t buddy_alloc(struct buddy *b, unsigned order);

#endif

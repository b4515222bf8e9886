/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fixed-size kernel objects carved from single pages. A page whose objects
 * are all free goes straight back to the page allocator, so the free-page
 * count returns exactly to where it was once every object is freed.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <stddef.h>
#include <stdint.h>
#include <sync/lock.h>

struct slab;

struct slab_cache {
    const char *name;
    uint32_t objsize;
    uint32_t perslab;
    /* Protects partial and each slab's free list; class slab, rank 60, irqs off. */
    struct lock lock;
    struct slab *partial;        /* slabs with at least one free object */
};

void slab_cache_init(struct slab_cache *c, const char *name, size_t objsize);
void *slab_alloc(struct slab_cache *c);   /* zeroed, or NULL */
void slab_free(struct slab_cache *c, void *obj);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#include <mm/slab.h>
#include <mm/page.h>
#include <base/printk.h>
#include <string.h>

/* Sits at the start of its page; objects follow. */
struct slab {
    struct slab_cache *cache;
    struct slab *next, *prev;    /* in cache->partial */
    void *free;                  /* first free object; each holds the next */
    uint32_t inuse;
};

/*
 * Objects start on cache lines and take whole lines, so a field that a
 * struct aligns to 64 bytes really is alone on its line.
 */
#define SLAB_LINE 64
#define SLAB_HDR ((sizeof(struct slab) + SLAB_LINE - 1) & ~(size_t)(SLAB_LINE - 1))

void slab_cache_init(struct slab_cache *c, const char *name, size_t objsize)
{
    c->name = name;
    c->objsize = (uint32_t)((objsize + SLAB_LINE - 1) & ~(size_t)(SLAB_LINE - 1));
    c->perslab = (uint32_t)((PAGE_SIZE - SLAB_HDR) / c->objsize);
    if (c->perslab == 0)
        panic("slab %s: object of %lu bytes does not fit a page", name, objsize);
    lock_init(&c->lock, LC_SLAB);
    c->partial = NULL;
}

static void unlink_slab(struct slab_cache *c, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        c->partial = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void link_slab(struct slab_cache *c, struct slab *s)
{
    s->prev = NULL;
    s->next = c->partial;
    if (c->partial)
        c->partial->prev = s;
    c->partial = s;
}

static struct slab *new_slab(struct slab_cache *c)
{
    uint64_t pa = page_alloc();
    if (!pa)
        return NULL;
    struct slab *s = pa_to_va(pa);
    s->cache = c;
    char *obj = (char *)s + SLAB_HDR;
    for (uint32_t i = 0; i < c->perslab; i++, obj += c->objsize)
        *(void **)obj = i + 1 < c->perslab ? obj + c->objsize : NULL;
    s->free = (char *)s + SLAB_HDR;
    return s;
}

void *slab_alloc(struct slab_cache *c)
{
    lock_acquire(&c->lock);
    struct slab *s = c->partial;
    if (!s) {
        /* Page allocation ranks below the slab lock, so it may be called here. */
        s = new_slab(c);
        if (!s) {
            lock_release(&c->lock);
            return NULL;
        }
        link_slab(c, s);
    }
    void *obj = s->free;
    s->free = *(void **)obj;
    if (++s->inuse == c->perslab)
        unlink_slab(c, s);
    lock_release(&c->lock);
    memset(obj, 0, c->objsize);
    return obj;
}

void slab_free(struct slab_cache *c, void *obj)
{
    struct slab *s = (struct slab *)((uint64_t)obj & ~(uint64_t)(PAGE_SIZE - 1));
    if (s->cache != c)
        panic("slab_free: %p does not belong to %s", obj, c->name);
    bool empty;
    lock_acquire(&c->lock);
    if (s->inuse == c->perslab)
        link_slab(c, s);
    *(void **)obj = s->free;
    s->free = obj;
    empty = --s->inuse == 0;
    if (empty)
        unlink_slab(c, s);
    lock_release(&c->lock);
    if (empty)
        page_free(va_to_pa(s));
}

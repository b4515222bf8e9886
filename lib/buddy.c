/* SPDX-License-Identifier: BSD-2-Clause */
#include <lib/buddy.h>

static void list_push(struct buddy *b, uint32_t f, unsigned order)
{
    struct buddy_frame *fr = &b->frames[f];
    fr->order = order;
    fr->free = 1;
    fr->prev = BUDDY_NONE;
    fr->next = b->head[order];
    if (fr->next != BUDDY_NONE)
        b->frames[fr->next].prev = f;
    b->head[order] = f;
}

static void list_remove(struct buddy *b, uint32_t f)
{
    struct buddy_frame *fr = &b->frames[f];
    if (fr->prev != BUDDY_NONE)
        b->frames[fr->prev].next = fr->next;
    else
        b->head[fr->order] = fr->next;
    if (fr->next != BUDDY_NONE)
        b->frames[fr->next].prev = fr->prev;
    fr->free = 0;
}

void buddy_init(struct buddy *b, struct buddy_frame *frames, uint32_t nframes)
{
    b->frames = frames;
    b->nframes = nframes;
    b->nfree = 0;
    for (unsigned o = 0; o < BUDDY_ORDERS; o++)
        b->head[o] = BUDDY_NONE;
    for (uint32_t i = 0; i < nframes; i++)
        frames[i] = (struct buddy_frame){ BUDDY_NONE, BUDDY_NONE, 0, 0 };
}

/* Merges with free buddies of the same order as far as they exist. */
void buddy_free(struct buddy *b, uint32_t frame, unsigned order)
{
    b->nfree += 1u << order;
    while (order + 1 < BUDDY_ORDERS) {
        uint32_t mate = frame ^ (1u << order);
        if (mate + (1u << order) > b->nframes)
            break;
        struct buddy_frame *m = &b->frames[mate];
        if (!m->free || m->order != order)
            break;
        list_remove(b, mate);
        frame &= ~(1u << order);
        order++;
    }
    list_push(b, frame, order);
}

/* Frees the largest aligned blocks that tile [first, first + count). */
void buddy_free_range(struct buddy *b, uint32_t first, uint32_t count)
{
    uint32_t end = first + count;
    while (first < end) {
        unsigned order = 0;
        while (order + 1 < BUDDY_ORDERS && !(first & ((2u << order) - 1)) &&
               first + (2u << order) <= end)
            order++;
        buddy_free(b, first, order);
        first += 1u << order;
    }
}

uint32_t buddy_alloc(struct buddy *b, unsigned order)
{
    unsigned o = order;
    while (o < BUDDY_ORDERS && b->head[o] == BUDDY_NONE)
        o++;
    if (o >= BUDDY_ORDERS)
        return BUDDY_NONE;
    uint32_t f = b->head[o];
    list_remove(b, f);
    /* Split, returning upper halves to the free lists. */
    while (o > order) {
        o--;
        list_push(b, f + (1u << o), o);
    }
    b->frames[f].order = order;
    b->nfree -= 1u << order;
    return f;
}

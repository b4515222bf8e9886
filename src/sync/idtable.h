/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Id-to-object tables for processes and threads, read without locks.
 *
 * An id is (generation << 12) | (slot + 1). A slot's generation grows each
 * time the slot is freed, so an id whose object died never matches again
 * until the generation wraps (2^19 reuses of one slot; slots are reused in
 * FIFO order to push that far out). A reader loads the slot pointer inside
 * an epoch section and compares the object's own id field with the one it
 * was asked for, so a reader that races with removal sees either the live
 * object or nothing, and the object's memory stays valid until the
 * section ends.
 */
#ifndef SYNC_IDTABLE_H
#define SYNC_IDTABLE_H

#include <stdint.h>
#include <sync/lock.h>
#include <ck_pr.h>

#define ID_SLOT_BITS 12
#define ID_SLOT_MASK ((1u << ID_SLOT_BITS) - 1)
/* slot + 1 must fit its field: 0 there marks no slot, so one value goes unused. */
#define ID_SLOTS ID_SLOT_MASK
#define ID_GEN_MASK 0x7ffffu

/* Objects in a table start with their id. */
struct idobj {
    long id;
};

static inline uint32_t id_slot(long id) { return (uint32_t)((id & ID_SLOT_MASK) - 1); }

struct idtable {
    struct idobj *slot[ID_SLOTS];   /* written under lock, read lock-free */
    /* Protected by lock: class idtable, rank 10, irqs off. */
    struct lock lock;
    uint32_t gen[ID_SLOTS];
    uint32_t fifo[ID_SLOTS];        /* free slots, oldest first */
    uint32_t head, nfree;
    uint32_t live;                  /* read racily by stats */
};

void idtable_init(struct idtable *t);
long idtable_insert(struct idtable *t, struct idobj *obj);
void idtable_remove(struct idtable *t, long id);

/* Call inside an epoch section; the result is valid until it ends. Inline: the migration path's lookup. */
static inline void *idtable_lookup(struct idtable *t, long id)
{
    if (id <= 0 || (id & ID_SLOT_MASK) == 0 || id >> (ID_SLOT_BITS + 19))
        return NULL;
    struct idobj *o = ck_pr_load_ptr(&t->slot[id_slot(id)]);
    ck_pr_fence_load_depends();
    if (!o || (long)ck_pr_load_64((uint64_t *)&o->id) != id)
        return NULL;
    return o;
}
uint32_t idtable_live(struct idtable *t);


#endif

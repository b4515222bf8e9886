/* SPDX-License-Identifier: BSD-2-Clause */
#include <sync/idtable.h>
#include <migrant/errno.h>
#include <ck_pr.h>

void idtable_init(struct idtable *t)
{
    lock_init(&t->lock, LC_IDTABLE);
    for (uint32_t i = 0; i < ID_SLOTS; i++) {
        t->fifo[i] = i;
        t->gen[i] = 1;
    }
    t->head = 0;
    t->nfree = ID_SLOTS;
}

/* obj->id is set before the slot is published, so readers never see it half made. */
long idtable_insert(struct idtable *t, struct idobj *obj)
{
    lock_acquire(&t->lock);
    if (t->nfree == 0) {
        lock_release(&t->lock);
        return E_NOMEM;
    }
    uint32_t s = t->fifo[t->head];
    t->head = (t->head + 1) % ID_SLOTS;
    t->nfree--;
    obj->id = (long)t->gen[s] << ID_SLOT_BITS | (s + 1);
    ck_pr_fence_store();
    ck_pr_store_ptr(&t->slot[s], obj);
    ck_pr_store_32(&t->live, t->live + 1);
    lock_release(&t->lock);
    return obj->id;
}

void idtable_remove(struct idtable *t, long id)
{
    uint32_t s = id_slot(id);
    lock_acquire(&t->lock);
    ck_pr_store_ptr(&t->slot[s], NULL);
    t->gen[s] = (t->gen[s] + 1) & ID_GEN_MASK;
    if (t->gen[s] == 0)
        t->gen[s] = 1;
    t->fifo[(t->head + t->nfree) % ID_SLOTS] = s;
    t->nfree++;
    ck_pr_store_32(&t->live, t->live - 1);
    lock_release(&t->lock);
}

uint32_t idtable_live(struct idtable *t)
{
    return ck_pr_load_32(&t->live);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared memory regions: a set of pages owned by the process that made
 * them, mappable by it and by the processes it granted them to. Pages are
 * reference counted, so a mapping outlives the region. The owner keeps
 * its regions on a list (core/proc.c) and frees them when it dies.
 */
#ifndef MM_SHM_H
#define MM_SHM_H

#include <stdint.h>

struct shm;
struct aspace;

void shm_init(void);
long shm_create(long owner, uint64_t size, struct shm **out);
void shm_destroy(struct shm *s);
long shm_find_owned(long id, long owner, struct shm **out);
long shm_grant(long id, long owner, long pid);
long shm_map(long id, long pid, struct aspace *as, uint64_t *size);
long shm_unmap(struct aspace *as, uint64_t va);
struct shm *shm_owner_next(const struct shm *s);
void shm_set_owner_next(struct shm *s, struct shm *next);

#endif

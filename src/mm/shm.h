/*
 * Shared memory regions: a set of pages owned by the process that made
 * them, mappable by it and by the processes it granted them to. Pages are
 * reference counted, so a mapping outlives the region's owner.
 */
#ifndef MM_SHM_H
#define MM_SHM_H

struct proc;
struct trapframe;

void shm_init(void);
void shm_release_owner(struct proc *p);
void sys_shm_create(struct trapframe *tf);
void sys_shm_grant(struct trapframe *tf);
void sys_shm_map(struct trapframe *tf);
void sys_shm_unmap(struct trapframe *tf);
void sys_shm_free(struct trapframe *tf);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* The shared-memory syscalls: create, grant, map, unmap and free. */
#include <sys/handlers.h>
#include <sys/sys.h>
#include <mm/shm.h>
#include <sync/epoch.h>
#include <migrant/errno.h>
#include <migrant/rights.h>
#include <migrant/syscall.h>

/* The region is built first, then linked into its owner, which may have started dying meanwhile. */
long sys_shm_create(struct trapframe *tf)
{
    uint64_t size = TF_ARG(tf, 0);
    struct proc *p = caller_proc();
    if (!caller_may(R_SHM))
        return E_PERM;
    if (size == 0)
        return E_INVAL;
    if (size > SHM_MAX)
        return E_RANGE;
    struct shm *s;
    long id = shm_create(p->id, size, &s);
    if (id < 0)
        return id;
    /* A process being killed meanwhile would never free it: the call is cut short, as a wait is. */
    if (!proc_adopt_shm(p, s)) {
        shm_destroy(s);
        return E_KILLED;
    }
    return id;
}

long sys_shm_grant(struct trapframe *tf)
{
    return shm_grant((long)TF_ARG(tf, 0), caller_proc()->id, (long)TF_ARG(tf, 1));
}

long sys_shm_map(struct trapframe *tf)
{
    struct proc *p = caller_proc();
    uint64_t size;
    long r = shm_map((long)TF_ARG(tf, 0), p->id, p->as, &size);
    TF_ARG(tf, 1) = size;
    return r;
}

long sys_shm_unmap(struct trapframe *tf)
{
    return shm_unmap(caller_proc()->as, TF_ARG(tf, 0));
}

/* Only the owner frees; unlinking under its lock decides a race with its teardown. */
long sys_shm_free(struct trapframe *tf)
{
    struct shm *s;
    struct proc *p = caller_proc();
    epoch_enter();
    long r = shm_find_owned((long)TF_ARG(tf, 0), p->id, &s);
    if (!r && !proc_disown_shm(p, s))
        r = E_NOENT;
    if (!r)
        shm_destroy(s);
    epoch_exit();
    return r;
}

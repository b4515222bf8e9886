/* SPDX-License-Identifier: BSD-2-Clause */
/* The process syscalls: exit, spawn, exec, fork, kill, wait and rights. */
#include <sys/handlers.h>
#include <sys/sys.h>
#include <mm/aspace.h>
#include <sync/epoch.h>
#include <sync/idtable.h>
#include <migrant/errno.h>
#include <migrant/rights.h>
#include <migrant/syscall.h>
#include <string.h>

/* Copies a path argument in, applying the rules of docs/syscalls.md in order. */
static long get_path(uint64_t ptr, uint64_t len, char *buf)
{
    if (len == 0)
        return E_INVAL;
    if (len > PATH_MAX_LEN)
        return E_RANGE;
    if (copy_from_user(caller()->as, buf, ptr, len))
        return E_FAULT;
    buf[len] = '\0';
    if (strlen(buf) != len)
        return E_NOENT;
    return 0;
}

/*
 * The process the thread is in exits; kernel_leave then ends or unwinds
 * the thread, so this never returns to the caller. If another thread
 * killed the process a moment before, proc_kill leaves the unwinding to
 * that killer, which may not have poked this thread yet; so a migrated
 * thread pokes itself.
 */
long sys_exit(struct trapframe *tf)
{
    proc_kill(caller_proc(), (long)(TF_ARG(tf, 0) & 0xff));
    struct hartmask none = { 0 };
    if (!caller_at_root())
        thread_poke(caller(), WORK_UNWIND, &none);    /* this hart: no IPI */
    return SYS_NORESULT;
}

long sys_spawn(struct trapframe *tf)
{
    char path[PATH_MAX_LEN + 1];
    uint32_t mine = ck_pr_load_32(&caller_proc()->rights);
    uint64_t rights = TF_ARG(tf, 2);
    if (!(mine & R_SPAWN))
        return E_PERM;
    long err = get_path(TF_ARG(tf, 0), TF_ARG(tf, 1), path);
    if (err)
        return err;
    if (rights & ~(uint64_t)R_ALL)
        return E_INVAL;
    if (rights & ~(uint64_t)mine)
        return E_PERM;
    return proc_spawn(caller_proc(), path, (uint32_t)rights, NULL);
}

/* A successful exec replaced the frame with the new image's first one. */
long sys_exec(struct trapframe *tf)
{
    char path[PATH_MAX_LEN + 1];
    long err = get_path(TF_ARG(tf, 0), TF_ARG(tf, 1), path);
    if (!err)
        err = caller_at_root() ? proc_exec(caller_proc(), path) : E_BUSY;
    return err ? err : SYS_NORESULT;
}

long sys_fork(struct trapframe *tf)
{
    (void)tf;
    if (!caller_may(R_SPAWN))
        return E_PERM;
    return caller_at_root() ? proc_fork(caller_proc(), caller()) : E_BUSY;
}

long sys_kill(struct trapframe *tf)
{
    long pid = (long)TF_ARG(tf, 0);
    struct proc *me = caller_proc();
    if (pid <= 0)
        return E_INVAL;
    epoch_enter();
    struct proc *p = idtable_lookup(&proc_table, pid);
    long r = 0;
    if (!p || !proc_alive(p))
        r = E_NOENT;
    else if (p != me && ck_pr_load_ptr(&p->parent) != me && !caller_may(R_KILL))
        r = E_PERM;
    else
        proc_kill(p, EXIT_KILLED);
    epoch_exit();
    return r;
}

long sys_wait(struct trapframe *tf)
{
    long pid = (long)TF_ARG(tf, 0), status = 0;
    if (pid <= 0)
        return E_INVAL;
    long r = proc_wait(caller_proc(), pid, &status);
    TF_ARG(tf, 1) = (uint64_t)(r ? 0 : status);
    return r;
}

long sys_rights(struct trapframe *tf)
{
    uint64_t drop = TF_ARG(tf, 0);
    if (drop & ~(uint64_t)R_ALL)
        return E_INVAL;
    struct proc *p = caller_proc();
    ck_pr_and_32(&p->rights, ~(uint32_t)drop);
    return ck_pr_load_32(&p->rights);
}

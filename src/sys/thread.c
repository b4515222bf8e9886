/* SPDX-License-Identifier: BSD-2-Clause */
/* The thread syscalls: create, exit, kill, join, pin and yield. */
#include <sys/handlers.h>
#include <sys/sys.h>
#include <core/sched.h>
#include <sync/epoch.h>
#include <migrant/errno.h>
#include <migrant/layout.h>
#include <migrant/syscall.h>

static long check_hart(long hart, bool any_ok)
{
    if ((any_ok && hart == HART_ANY) || (hart >= 0 && hart < nharts))
        return 0;
    return E_INVAL;
}

long sys_thread_create(struct trapframe *tf)
{
    long hart = (long)TF_ARG(tf, 0);
    if (check_hart(hart, true))
        return E_INVAL;
    if (hart == HART_ANY)
        hart = caller()->hart;
    uint64_t args[6] = { 0, 0, START_THREAD, TF_ARG(tf, 1), TF_ARG(tf, 2), TF_ARG(tf, 3) };
    struct thread *t = thread_create(caller_proc(), (int)hart, args);
    return t ? t->id : E_NOMEM;
}

/* Only at the root: a server cannot end a thread it borrowed. */
long sys_thread_exit(struct trapframe *tf)
{
    if (!caller_at_root())
        return E_PERM;
    thread_exit((long)TF_ARG(tf, 0));
}

long sys_thread_kill(struct trapframe *tf)
{
    struct thread *t = NULL;
    struct hartmask ipi = { 0 };
    epoch_enter();
    long r = find_own_thread((long)TF_ARG(tf, 0), &t);
    if (!r)
        thread_poke(t, WORK_KILL, &ipi);
    epoch_exit();
    hartmask_ipi(&ipi);
    return r;
}

/* A thread of our own process stays valid until we reap it (thread_join). */
long sys_thread_join(struct trapframe *tf)
{
    struct thread *t = NULL;
    long value = 0;
    epoch_enter();
    long r = find_own_thread((long)TF_ARG(tf, 0), &t);
    epoch_exit();
    if (!r && t == caller())
        r = E_DEADLK;
    if (!r)
        r = thread_join(t, &value);
    TF_ARG(tf, 1) = (uint64_t)(r ? 0 : value);
    return r;
}

long sys_thread_pin(struct trapframe *tf)
{
    long hart = (long)TF_ARG(tf, 0);
    if (check_hart(hart, false))
        return E_INVAL;
    if (caller()->timer_armed || caller()->irq_src)
        return E_BUSY;
    sched_move((int)hart);
    return 0;
}

long sys_yield(struct trapframe *tf)
{
    (void)tf;
    sched_yield();
    return 0;
}

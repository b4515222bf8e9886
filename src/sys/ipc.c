/* SPDX-License-Identifier: BSD-2-Clause */
/* The migration syscalls other than the fast path's five: ipc_frame, ipc_abort and ipc_depth. */
#include <sys/handlers.h>
#include <sys/sys.h>
#include <core/activation.h>
#include <sync/epoch.h>
#include <migrant/errno.h>
#include <migrant/syscall.h>

/* Sets the caller's process's reservation; frames already pushed keep theirs. */
long sys_ipc_frame(struct trapframe *tf)
{
    uint64_t size = TF_ARG(tf, 0);
    if (size == 0 || (size & (PAGE_SIZE - 1)))
        return E_INVAL;
    if (size > ACT_STACK_SIZE)
        return E_RANGE;
    return (long)ck_pr_fas_64(&caller_proc()->act_size, size);
}

/* Only the thread's root process may abort its migration. */
long sys_ipc_abort(struct trapframe *tf)
{
    struct thread *t = NULL;
    struct hartmask ipi = { 0 };
    epoch_enter();
    long r = find_own_thread((long)TF_ARG(tf, 0), &t);
    if (!r && t == caller())
        r = E_INVAL;
    if (!r)
        thread_poke(t, WORK_ABORT, &ipi);
    epoch_exit();
    hartmask_ipi(&ipi);
    return r;
}

long sys_ipc_depth(struct trapframe *tf)
{
    struct activation *a = &caller()->act;
    TF_ARG(tf, 1) = (uint64_t)activation_top(a)->eid;
    return a->depth;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* The syscall table and its dispatcher, the one writer of a handler's a0. */
#include <sys/syscall.h>
#include <sys/handlers.h>
#include <sys/sys.h>
#include <migrant/errno.h>
#include <migrant/syscall.h>

static long (*const table[SYS_COUNT])(struct trapframe *) = {
    [SYS_EXIT] = sys_exit,
    [SYS_PUTS] = sys_puts,
    [SYS_POWEROFF] = sys_poweroff,
    [SYS_CLOCK] = sys_clock,
    [SYS_SPAWN] = sys_spawn,
    [SYS_EXEC] = sys_exec,
    [SYS_FORK] = sys_fork,
    [SYS_KILL] = sys_kill,
    [SYS_WAIT] = sys_wait,
    [SYS_THREAD_CREATE] = sys_thread_create,
    [SYS_THREAD_EXIT] = sys_thread_exit,
    [SYS_THREAD_KILL] = sys_thread_kill,
    [SYS_THREAD_JOIN] = sys_thread_join,
    [SYS_THREAD_PIN] = sys_thread_pin,
    [SYS_MEM_ALLOC] = sys_mem_alloc,
    [SYS_MEM_FREE] = sys_mem_free,
    [SYS_YIELD] = sys_yield,
    [SYS_STATS] = sys_stats,
    [SYS_SELF] = sys_self,
    [SYS_RIGHTS] = sys_rights,
    [SYS_CMDLINE] = sys_cmdline,
    [SYS_DEVMEM_MAP] = sys_devmem_map,
    [SYS_IPC_FRAME] = sys_ipc_frame,
    [SYS_IPC_ABORT] = sys_ipc_abort,
    [SYS_IPC_DEPTH] = sys_ipc_depth,
    [SYS_NOTIFY] = sys_notify,
    [SYS_NOTIFY_WAIT] = sys_notify_wait,
    [SYS_TIMER] = sys_timer,
    [SYS_IRQ_REGISTER] = sys_irq_register,
    [SYS_UART_INFO] = sys_uart_info,
    [SYS_SHM_CREATE] = sys_shm_create,
    [SYS_SHM_GRANT] = sys_shm_grant,
    [SYS_SHM_MAP] = sys_shm_map,
    [SYS_SHM_UNMAP] = sys_shm_unmap,
    [SYS_SHM_FREE] = sys_shm_free,
    [SYS_PROFILE] = sys_profile,
    [SYS_TRACE] = sys_trace,
    [SYS_HOLD] = sys_hold,
};

uintptr_t syscall_handler(uint64_t nr)
{
    return nr < SYS_COUNT ? (uintptr_t)table[nr] : 0;
}

/* req, fwd, tail, kick and resp never come here: trap.S takes them (ipc_entry, then ipc_entered in C). */
void syscall_dispatch(struct trapframe *tf)
{
    uint64_t nr = TF_SYSNO(tf);
    long r = nr < SYS_COUNT && table[nr] ? table[nr](tf) : E_NOSYS;
    if (r != SYS_NORESULT)
        TF_ARG(tf, 0) = (uint64_t)r;
}

/* Finds a thread of the caller's process; the result is valid only inside the epoch section. */
long find_own_thread(long tid, struct thread **out)
{
    if (tid <= 0)
        return E_INVAL;
    struct thread *t = idtable_lookup(&thread_table, tid);
    if (!t)
        return E_NOENT;
    if (t->proc != caller_proc())
        return E_PERM;
    *out = t;
    return 0;
}

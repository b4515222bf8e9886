#include <sys/syscall.h>
#include <core/thread.h>
#include <core/proc.h>
#include <core/sched.h>
#include <base/platform.h>
#include <base/printk.h>
#include <mm/aspace.h>
#include <mm/page.h>
#include <sync/epoch.h>
#include <base/hart.h>
#include <arch/smp.h>
#include <migrant/errno.h>
#include <migrant/layout.h>
#include <migrant/rights.h>
#include <migrant/syscall.h>
#include <ipc/migrate.h>
#include <core/notify.h>
#include <mm/shm.h>
#include <ck_pr.h>
#include <string.h>
#include <debug/profile.h>

#define DEVMEM_MAX (16ul << 20)

static struct thread *self(void) { return hart_self()->current; }

static void ret1(struct trapframe *tf, long v) { TF_ARG(tf, 0) = (uint64_t)v; }

static void ret2(struct trapframe *tf, long v0, long v1)
{
    TF_ARG(tf, 0) = (uint64_t)v0;
    TF_ARG(tf, 1) = (uint64_t)v1;
}

static struct proc *cur(void) { return proc_current(); }

static bool at_root(void) { return self()->act.depth == 0; }

/* Rights are those of the process the thread runs in now, not of its root. */
static bool has_right(uint32_t r) { return ck_pr_load_32(&cur()->rights) & r; }

/* Copies a path argument in, applying the rules of docs/syscalls.md in order. */
static long get_path(uint64_t ptr, uint64_t len, char *buf)
{
    if (len == 0)
        return E_INVAL;
    if (len > PATH_MAX_LEN)
        return E_RANGE;
    if (copy_from_user(self()->as, buf, ptr, len))
        return E_FAULT;
    buf[len] = '\0';
    if (strlen(buf) != len)
        return E_NOENT;
    return 0;
}

static long check_hart(long hart, bool any_ok)
{
    if ((any_ok && hart == HART_ANY) || (hart >= 0 && hart < nharts))
        return 0;
    return E_INVAL;
}

/*
 * The process the thread is in exits; migrate_check then ends or unwinds
 * the thread, so this never returns to the caller. If another thread
 * killed the process a moment before, proc_kill leaves the unwinding to
 * that killer, which may not have poked this thread yet; so a migrated
 * thread pokes itself.
 */
static void sys_exit(struct trapframe *tf)
{
    proc_kill(cur(), (long)(TF_ARG(tf, 0) & 0xff));
    if (self()->act.depth > 0)
        thread_poke(self(), WORK_UNWIND);
}

static void sys_puts(struct trapframe *tf)
{
    char buf[PUTS_MAX];
    uint64_t len = TF_ARG(tf, 1);
    if (len > PUTS_MAX)
        return ret1(tf, E_RANGE);
    if (copy_from_user(self()->as, buf, TF_ARG(tf, 0), len))
        return ret1(tf, E_FAULT);
    console_write(buf, len);
    ret1(tf, (long)len);
}

static void sys_poweroff(struct trapframe *tf)
{
    if (!has_right(R_POWER))
        return ret1(tf, E_PERM);
    printk("MIGRANT-END status=%ld\n", (long)TF_ARG(tf, 0));
    arch_poweroff(TF_ARG(tf, 0) != 0);
}

static void sys_clock(struct trapframe *tf)
{
    ret2(tf, (long)cpu_time(), (long)platform.timebase_hz);
}

static void sys_spawn(struct trapframe *tf)
{
    char path[PATH_MAX_LEN + 1];
    uint32_t mine = ck_pr_load_32(&cur()->rights);
    uint64_t rights = TF_ARG(tf, 2);
    if (!(mine & R_SPAWN))
        return ret1(tf, E_PERM);
    long err = get_path(TF_ARG(tf, 0), TF_ARG(tf, 1), path);
    if (err)
        return ret1(tf, err);
    if (rights & ~(uint64_t)R_ALL)
        return ret1(tf, E_INVAL);
    if (rights & ~(uint64_t)mine)
        return ret1(tf, E_PERM);
    ret1(tf, proc_spawn(cur(), path, (uint32_t)rights, NULL));
}

static void sys_exec(struct trapframe *tf)
{
    char path[PATH_MAX_LEN + 1];
    long err = get_path(TF_ARG(tf, 0), TF_ARG(tf, 1), path);
    if (!err)
        err = at_root() ? proc_exec(cur(), path) : E_BUSY;
    if (err)
        ret1(tf, err);
}

static void sys_fork(struct trapframe *tf)
{
    if (!has_right(R_SPAWN))
        return ret1(tf, E_PERM);
    ret1(tf, at_root() ? proc_fork(cur(), self()) : E_BUSY);
}

static void sys_kill(struct trapframe *tf)
{
    long pid = (long)TF_ARG(tf, 0);
    struct proc *me = cur();
    if (pid <= 0)
        return ret1(tf, E_INVAL);
    epoch_enter();
    struct proc *p = idtable_lookup(&proc_table, pid);
    long r = 0;
    if (!p || p->state != P_ALIVE)
        r = E_NOENT;
    else if (p != me && ck_pr_load_ptr(&p->parent) != me && !has_right(R_KILL))
        r = E_PERM;
    else
        proc_kill(p, EXIT_KILLED);
    epoch_exit();
    ret1(tf, r);
}

static void sys_wait(struct trapframe *tf)
{
    long pid = (long)TF_ARG(tf, 0), status = 0;
    if (pid <= 0)
        return ret1(tf, E_INVAL);
    long r = proc_wait(cur(), pid, &status);
    ret2(tf, r, r ? 0 : status);
}

static void sys_thread_create(struct trapframe *tf)
{
    long hart = (long)TF_ARG(tf, 0);
    if (check_hart(hart, true))
        return ret1(tf, E_INVAL);
    if (hart == HART_ANY)
        hart = self()->hart;
    uint64_t args[6] = { 0, 0, START_THREAD, TF_ARG(tf, 1), TF_ARG(tf, 2), TF_ARG(tf, 3) };
    struct thread *t = thread_create(cur(), (int)hart, args);
    ret1(tf, t ? t->id : E_NOMEM);
}

/* Only at the root: a server cannot end a thread it borrowed. */
static void sys_thread_exit(struct trapframe *tf)
{
    if (!at_root())
        return ret1(tf, E_PERM);
    thread_exit((long)TF_ARG(tf, 0));
}

/* Finds a thread of the caller's process; the result is valid only inside the epoch section. */
static long lookup_own_thread(long tid, struct thread **out)
{
    if (tid <= 0)
        return E_INVAL;
    struct thread *t = idtable_lookup(&thread_table, tid);
    if (!t)
        return E_NOENT;
    if (t->proc != cur())
        return E_PERM;
    *out = t;
    return 0;
}

static void sys_thread_kill(struct trapframe *tf)
{
    struct thread *t = NULL;
    epoch_enter();
    long r = lookup_own_thread((long)TF_ARG(tf, 0), &t);
    if (!r)
        thread_poke(t, WORK_KILL);
    epoch_exit();
    ret1(tf, r);
}

/* A thread of our own process stays valid until we reap it (thread_join). */
static void sys_thread_join(struct trapframe *tf)
{
    struct thread *t = NULL;
    long value = 0;
    epoch_enter();
    long r = lookup_own_thread((long)TF_ARG(tf, 0), &t);
    epoch_exit();
    if (!r && t == self())
        r = E_DEADLK;
    if (!r)
        r = thread_join(t, &value);
    ret2(tf, r, r ? 0 : value);
}

static void sys_thread_pin(struct trapframe *tf)
{
    long hart = (long)TF_ARG(tf, 0);
    if (check_hart(hart, false))
        return ret1(tf, E_INVAL);
    if (self()->timer_armed || self()->irq_src)
        return ret1(tf, E_BUSY);
    ret1(tf, 0);
    sched_move((int)hart);
}

static uint64_t page_round(uint64_t x) { return (x + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

static void sys_mem_alloc(struct trapframe *tf)
{
    uint64_t size = TF_ARG(tf, 0);
    if (size == 0)
        return ret1(tf, E_INVAL);
    if (size > MEM_ALLOC_MAX)
        return ret1(tf, E_RANGE);
    ret1(tf, aspace_alloc(self()->as, page_round(size), USER_HEAP, USER_HEAP_END, RG_HEAP));
}

static void sys_mem_free(struct trapframe *tf)
{
    uint64_t va = TF_ARG(tf, 0), size = TF_ARG(tf, 1);
    if ((va & (PAGE_SIZE - 1)) || size == 0)
        return ret1(tf, E_INVAL);
    if (size > MEM_ALLOC_MAX)
        return ret1(tf, E_NOENT);
    ret1(tf, aspace_unmap(self()->as, va, page_round(size), RG_HEAP));
}

static void sys_yield(struct trapframe *tf)
{
    ret1(tf, 0);
    sched_yield();
}

static void sys_stats(struct trapframe *tf)
{
    TF_ARG(tf, 0) = page_free_count();
    TF_ARG(tf, 1) = idtable_live(&proc_table);
    TF_ARG(tf, 2) = idtable_live(&thread_table);
    TF_ARG(tf, 3) = (uint64_t)nharts;
    TF_ARG(tf, 4) = (uint64_t)epoch_pending();
}

static void sys_self(struct trapframe *tf)
{
    struct hart *h = hart_self();
    TF_ARG(tf, 0) = (uint64_t)cur()->id;
    TF_ARG(tf, 1) = (uint64_t)h->current->id;
    TF_ARG(tf, 2) = (uint64_t)h->index;
    TF_ARG(tf, 3) = h->hartid;
}

static void sys_rights(struct trapframe *tf)
{
    uint64_t drop = TF_ARG(tf, 0);
    if (drop & ~(uint64_t)R_ALL)
        return ret1(tf, E_INVAL);
    struct proc *p = cur();
    ck_pr_and_32(&p->rights, ~(uint32_t)drop);
    ret1(tf, ck_pr_load_32(&p->rights));
}

static void sys_cmdline(struct trapframe *tf)
{
    uint64_t len = TF_ARG(tf, 1), have = strlen(platform.bootargs);
    if (len > CMDLINE_MAX)
        return ret1(tf, E_RANGE);
    if (len > have)
        len = have;
    if (copy_to_user(self()->as, TF_ARG(tf, 0), platform.bootargs, len))
        return ret1(tf, E_FAULT);
    ret1(tf, (long)len);
}

static void sys_devmem_map(struct trapframe *tf)
{
    uint64_t pa = TF_ARG(tf, 0), size = TF_ARG(tf, 1);
    if (!has_right(R_DEVMEM))
        return ret1(tf, E_PERM);
    if ((pa & (PAGE_SIZE - 1)) || size == 0)
        return ret1(tf, E_INVAL);
    if (size > DEVMEM_MAX)
        return ret1(tf, E_RANGE);
    size = page_round(size);
    if (pa + size < pa || pa + size > ((uint64_t)DMAP_GIGS << 30) || platform_is_ram(pa, size))
        return ret1(tf, E_INVAL);
    ret1(tf, aspace_map_device(self()->as, pa, size));
}

static void sys_uart_info(struct trapframe *tf)
{
    TF_ARG(tf, 0) = platform.uart.reg.base;
    TF_ARG(tf, 1) = platform.uart.reg.size;
    TF_ARG(tf, 2) = platform.uart.irq;
    TF_ARG(tf, 3) = platform.uart.reg_shift | platform.uart.reg_width << 8;
}

static void (*const table[SYS_COUNT])(struct trapframe *) = {
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
};

uintptr_t syscall_handler(uint64_t nr)
{
    return nr < SYS_COUNT ? (uintptr_t)table[nr] : 0;
}

/* req, fwd, tail, kick and resp never come here: trap.S sends them to ipc_fast. */
void syscall_dispatch(struct trapframe *tf)
{
    uint64_t nr = tf->regs[17];
    if (nr >= SYS_COUNT || !table[nr])
        return ret1(tf, E_NOSYS);
    table[nr](tf);
}

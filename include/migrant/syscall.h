/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syscall ABI. Number in a7, arguments in a0..a5, status or value back
 * in a0 (negative values are codes from errno.h), extra results in a1..a5.
 * Each entry names its arguments and the codes it can return besides
 * E_OK; docs/syscalls.md gives the full table.
 */
#ifndef MIGRANT_SYSCALL_H
#define MIGRANT_SYSCALL_H

/*
 * Migration. The words always travel in a2..a5, where the callee's _start
 * (eid, tid, d0..d3) and the caller's result {a0 status, a1 the pid that
 * responded, a2..a5 d0..d3} want them, so the kernel never moves them
 * (docs/ipc.md). a1 is ignored on the way in. Numbered first, resp 0:
 * trap.S tells the five from every other call with one compare and resp
 * from the others with a test for zero.
 */
#define SYS_IPC_RESP       0  /* (-, -, d0, d1, d2, d3) -> E_INVAL at the root, else no return */
#define SYS_IPC_REQ        1  /* (pid, -, d0, d1, d2, d3) */
#define SYS_IPC_FWD        2  /* (pid, -, d0, d1, d2, d3): callee sees our eid */
#define SYS_IPC_TAIL       3  /* (pid, -, d0, d1, d2, d3): replaces our frame */
#define SYS_IPC_KICK       4  /* (pid, -, d0, d1, d2, d3): fwd + tail */

#define SYS_EXIT           5  /* (status) -> does not return */
#define SYS_PUTS           6  /* (buf, len) -> len | E_FAULT E_RANGE */
#define SYS_POWEROFF       7  /* (status) -> E_PERM, else does not return */
#define SYS_CLOCK          8  /* () -> a0 ticks, a1 timebase Hz */
#define SYS_SPAWN          9  /* (path, len, rights) -> pid | E_PERM E_FAULT E_RANGE E_NOENT E_BADELF E_NOMEM E_INVAL */
#define SYS_EXEC          10  /* (path, len) -> E_INVAL E_FAULT E_RANGE E_NOENT E_BADELF E_NOMEM E_BUSY E_KILLED, else no return */
#define SYS_FORK          11  /* () -> child pid in parent, 0 in child | E_PERM E_NOMEM E_BUSY */
#define SYS_KILL          12  /* (pid) -> E_NOENT E_PERM E_INVAL */
#define SYS_WAIT          13  /* (pid) -> a0 E_OK, a1 status | E_NOENT E_PERM E_INVAL E_BUSY E_KILLED */
#define SYS_THREAD_CREATE 14  /* (hart, d0, d1, d2) -> tid | E_INVAL E_NOMEM */
#define SYS_THREAD_EXIT   15  /* (value) -> does not return */
#define SYS_THREAD_KILL   16  /* (tid) -> E_NOENT E_PERM */
#define SYS_THREAD_JOIN   17  /* (tid) -> exit value in a1 | E_NOENT E_PERM E_DEADLK E_BUSY E_KILLED */
#define SYS_THREAD_PIN    18  /* (hart) -> E_INVAL; moves the caller */
#define SYS_MEM_ALLOC     19  /* (size) -> va | E_INVAL E_RANGE E_NOMEM */
#define SYS_MEM_FREE      20  /* (va, size) -> E_INVAL E_NOENT */
#define SYS_YIELD         21  /* () -> E_OK */
#define SYS_STATS         22  /* () -> a0 free pages, a1 processes, a2 threads, a3 harts, a4 deferred frees */
#define SYS_SELF          23  /* () -> a0 pid, a1 tid, a2 hart index, a3 hart id */
#define SYS_RIGHTS        24  /* (drop mask) -> rights held after dropping | E_INVAL */
#define SYS_CMDLINE       25  /* (buf, len) -> length copied | E_FAULT E_RANGE */
#define SYS_DEVMEM_MAP    26  /* (phys, size) -> va | E_PERM E_INVAL E_RANGE E_NOMEM */

#define SYS_IPC_FRAME     27  /* (bytes) -> previous size | E_INVAL E_RANGE */
#define SYS_IPC_ABORT     28  /* (tid) -> E_INVAL E_NOENT E_PERM */
#define SYS_IPC_DEPTH     29  /* () -> a0 depth, a1 eid of the current frame */

/* Notifications (docs/ipc.md). */
#define SYS_NOTIFY        30  /* (pid, bits) -> E_PERM E_INVAL E_NOENT */
#define SYS_NOTIFY_WAIT   31  /* () -> 0 once a notification is pending | E_KILLED */
#define SYS_TIMER         32  /* (delay ticks, period ticks) -> E_INVAL (over TIMER_MAX); delay 0 disarms */
#define SYS_IRQ_REGISTER  33  /* (source) -> E_PERM E_INVAL E_BUSY */
#define SYS_UART_INFO     34  /* () -> a0 phys base, a1 size, a2 irq, a3 reg shift | width << 8 | kind << 16 */
/* SYS_UART_INFO's kind: the console UART's register interface. */
#define UART_KIND_NS16550 1   /* ns16550(a), snps,dw-apb-uart: reg shift and width apply */
#define UART_KIND_SIFIVE  2   /* sifive,uart0: 32-bit registers 4 bytes apart */

/* Shared memory (docs/ipc.md). */
#define SYS_SHM_CREATE    35  /* (size) -> id | E_PERM E_INVAL E_RANGE E_NOMEM */
#define SYS_SHM_GRANT     36  /* (id, pid) -> E_INVAL E_NOENT E_PERM E_RANGE */
#define SYS_SHM_MAP       37  /* (id) -> va, a1 size | E_INVAL E_NOENT E_PERM E_NOMEM */
#define SYS_SHM_UNMAP     38  /* (va) -> E_INVAL E_NOENT */
#define SYS_SHM_FREE      39  /* (id) -> E_INVAL E_NOENT E_PERM */

#define SYS_PROFILE       40  /* (op) -> E_INVAL; E_NOSYS unless built with PROFILE=1 */
#define SYS_TRACE         41  /* (op) -> E_INVAL; E_NOSYS unless built with TRACE=1 */
#define SYS_HOLD          42  /* (mode, us) -> a0 E_OK, a1 start, a2 end (timebase ticks) | E_PERM E_INVAL E_RANGE */
#define SYS_COUNT         43

/* SYS_PROFILE ops: start and stop act on the calling hart, dump prints every hart's. */
#define PROFILE_START   0
#define PROFILE_STOP    1
#define PROFILE_DUMP    2

/* SYS_TRACE ops: the same shape as SYS_PROFILE's. */
#define TRACE_START     0
#define TRACE_STOP      1
#define TRACE_DUMP      2

/*
 * SYS_HOLD modes, the TLB protocol's test hooks (docs/syscalls.md):
 * HOLD_USER returns with the calling hart's IPIs and external interrupts
 * held off until its next syscall, fault or interrupt, at most `us`
 * microseconds; HOLD_KERNEL keeps the hart in the kernel, on the
 * caller's space, for `us`.
 */
#define HOLD_USER       0
#define HOLD_KERNEL     1

/* Limits the kernel enforces; a larger value gets E_RANGE. */
#define PUTS_MAX        4096
#define PATH_MAX_LEN     255
#define CMDLINE_MAX      256
#define MEM_ALLOC_MAX   (64ul << 20)   /* one private allocation */
#define SHM_MAX         (1ul << 20)    /* one shared region */
#define TIMER_MAX       (1ul << 62)    /* a timer's delay or period, in timebase ticks */
#define SHM_GRANTS      8              /* processes one region can be granted to */
#define HOLD_MAX_US     500000         /* one SYS_HOLD */

#define ACT_STACK_SIZE  (64ul << 10)     /* a thread's activation stack */
#define ACT_DEFAULT     (16ul << 10)     /* a process's reservation until it sets one */
#define ACT_MAX_DEPTH   32               /* frames a thread can hold, root included */

#define HART_ANY        (-1l)           /* thread_create: let the kernel pick */

/*
 * Process status as wait() reports it: exit(s) and a last thread_exit(s)
 * give s & 0xff; a kill gives EXIT_KILLED; a fault gives EXIT_FAULT plus
 * the RISC-V exception cause.
 */
#define EXIT_KILLED     0x100
#define EXIT_FAULT      0x200

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user-side API of migrant: one stub per syscall, plus the small
 * runtime (printf, thread_spawn) every program links against.
 *
 * Every call returns what the kernel put in a0: a value >= 0, or a negative
 * code from <migrant/errno.h>. Calls with extra results write them through
 * pointer arguments, and only when the call succeeded; the migration calls
 * always fill their reply (see ipc_req below).
 */
#ifndef MIGRANT_USER_H
#define MIGRANT_USER_H

#include <stddef.h>
#include <string.h>

#include <migrant/errno.h>
#include <migrant/layout.h>
#include <migrant/rights.h>
#include <migrant/syscall.h>

/* What SYS_STATS reports; see docs/syscalls.md for what is counted. */
struct mstats {
	long free_pages;
	long procs;
	long threads;
	long harts;
	long deferred;		/* object frees still waiting for an epoch */
	long kept;		/* pages this process keeps for its next threads */
};

/* What SYS_SELF reports: hart is the index, hartid the hardware id. */
struct mself {
	long pid;
	long tid;
	long hart;
	long hartid;
};

/* a0..a3 as the kernel left them. */
struct sysret {
	long a0;
	long a1;
	long a2;
	long a3;
	long a4;
	long a5;
};

/*
 * The one trap into the kernel. a0..a5 are in-out because the kernel
 * may return results in any of them. A migration call (ipc_call below)
 * also zeroes t0-t6, a6 and a7, which a raw one (badargs, the fuzzer)
 * may be, so they are clobbered here too; every other register is
 * preserved.
 */
static inline struct sysret syscall6(long nr, long a0, long a1, long a2,
				     long a3, long a4, long a5)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;
	register long r4 __asm__("a4") = a4;
	register long r5 __asm__("a5") = a5;
	register long r7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r7)
			 :
			 : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a6", "memory");
	return (struct sysret){ r0, r1, r2, r3, r4, r5 };
}

/* Any syscall with any arguments: for tests that must pass bad values. */
static inline long sys_raw6(long nr, long a0, long a1, long a2, long a3,
			    long a4, long a5)
{
	return syscall6(nr, a0, a1, a2, a3, a4, a5).a0;
}

static inline long syscall0(long nr)
{
	return sys_raw6(nr, 0, 0, 0, 0, 0, 0);
}

static inline long syscall1(long nr, long a0)
{
	return sys_raw6(nr, a0, 0, 0, 0, 0, 0);
}

static inline long syscall2(long nr, long a0, long a1)
{
	return sys_raw6(nr, a0, a1, 0, 0, 0, 0);
}

__attribute__((noreturn)) static inline void sys_exit(long status)
{
	syscall1(SYS_EXIT, status);
	__builtin_unreachable();
}

static inline long sys_puts(const char *buf, size_t len)
{
	return syscall2(SYS_PUTS, (long)buf, (long)len);
}

/* Returns only on failure (E_PERM without R_POWER). */
static inline long sys_poweroff(long status)
{
	return syscall1(SYS_POWEROFF, status);
}

/* Timebase ticks since boot; *hz gets ticks per second if hz is not NULL. */
static inline unsigned long sys_clock(unsigned long *hz)
{
	struct sysret r = syscall6(SYS_CLOCK, 0, 0, 0, 0, 0, 0);

	if (hz)
		*hz = (unsigned long)r.a1;
	return (unsigned long)r.a0;
}

static inline long sys_spawn(const char *path, unsigned long rights)
{
	return sys_raw6(SYS_SPAWN, (long)path, (long)strlen(path), (long)rights,
			0, 0, 0);
}

/* Returns only on failure. */
static inline long sys_exec(const char *path)
{
	return syscall2(SYS_EXEC, (long)path, (long)strlen(path));
}

static inline long sys_fork(void)
{
	return syscall0(SYS_FORK);
}

static inline long sys_kill(long pid)
{
	return syscall1(SYS_KILL, pid);
}

static inline long sys_wait(long pid, long *status)
{
	struct sysret r = syscall6(SYS_WAIT, pid, 0, 0, 0, 0, 0);

	if (r.a0 == E_OK && status)
		*status = r.a1;
	return r.a0;
}

/* The new thread enters _start(0, tid, START_THREAD, d1, d2, d3). */
static inline long sys_thread_create(long hart, long d1, long d2, long d3)
{
	return sys_raw6(SYS_THREAD_CREATE, hart, d1, d2, d3, 0, 0);
}

__attribute__((noreturn)) static inline void sys_thread_exit(long value)
{
	syscall1(SYS_THREAD_EXIT, value);
	__builtin_unreachable();
}

static inline long sys_thread_kill(long tid)
{
	return syscall1(SYS_THREAD_KILL, tid);
}

static inline long sys_thread_join(long tid, long *value)
{
	struct sysret r = syscall6(SYS_THREAD_JOIN, tid, 0, 0, 0, 0, 0);

	if (r.a0 == E_OK && value)
		*value = r.a1;
	return r.a0;
}

static inline long sys_thread_pin(long hart)
{
	return syscall1(SYS_THREAD_PIN, hart);
}

/* Returns the new region's address (as a long, so codes fit) or a code. */
static inline long sys_mem_alloc(size_t size)
{
	return syscall1(SYS_MEM_ALLOC, (long)size);
}

static inline long sys_mem_free(void *va, size_t size)
{
	return syscall2(SYS_MEM_FREE, (long)va, (long)size);
}

/* PROFILE_START/STOP on the calling hart, PROFILE_DUMP to the console; E_NOSYS unless PROFILE=1. */
static inline long sys_profile(long op)
{
	return syscall1(SYS_PROFILE, op);
}

/* TRACE_START/STOP on the calling hart, TRACE_DUMP to the console; E_NOSYS unless TRACE=1. */
static inline long sys_trace(long op)
{
	return syscall1(SYS_TRACE, op);
}

/*
 * The TLB protocol's test hook (R_HOLD; HOLD_USER or HOLD_KERNEL, see
 * migrant/syscall.h). *start gets the timebase time the hold began,
 * *end when it ends (HOLD_USER: at the latest) or ended (HOLD_KERNEL).
 */
static inline long sys_hold(long mode, unsigned long us, unsigned long *start, unsigned long *end)
{
	struct sysret r = syscall6(SYS_HOLD, mode, (long)us, 0, 0, 0, 0);

	if (r.a0 == 0) {
		*start = (unsigned long)r.a1;
		*end = (unsigned long)r.a2;
	}
	return r.a0;
}

static inline long sys_yield(void)
{
	return syscall0(SYS_YIELD);
}

static inline void sys_stats(struct mstats *s)
{
	struct sysret r = syscall6(SYS_STATS, 0, 0, 0, 0, 0, 0);

	*s = (struct mstats){ r.a0, r.a1, r.a2, r.a3, r.a4, r.a5 };
}

static inline void sys_self(struct mself *me)
{
	struct sysret r = syscall6(SYS_SELF, 0, 0, 0, 0, 0, 0);

	*me = (struct mself){ r.a0, r.a1, r.a2, r.a3 };
}

/* Drops the rights in drop (0 drops none) and returns those still held. */
static inline long sys_rights(unsigned long drop)
{
	return syscall1(SYS_RIGHTS, (long)drop);
}

/* Copies the kernel command line, without a NUL; returns its length. */
static inline long sys_cmdline(char *buf, size_t len)
{
	return syscall2(SYS_CMDLINE, (long)buf, (long)len);
}

static inline long sys_devmem_map(unsigned long phys, size_t size)
{
	return syscall2(SYS_DEVMEM_MAP, (long)phys, (long)size);
}

/*
 * Start fn(arg) in a new thread of this process on hart (or HART_ANY);
 * returns its tid. fn's return value becomes the thread's join value.
 */
long thread_spawn(long hart, long (*fn)(long), long arg);

/*
 * Formatted output. printf emits one sys_puts per call, so one call's
 * text is never split by another hart's; keep each call to one line of at
 * most PRINTF_MAX - 1 bytes (longer output is cut).
 */
#define PRINTF_MAX 512

__attribute__((format(printf, 1, 2)))
int printf(const char *fmt, ...);

__attribute__((format(printf, 3, 4)))
int snprintf(char *buf, size_t size, const char *fmt, ...);

/*
 * Migration (docs/ipc.md). The callee enters its _start with
 * (eid, tid, d0..d3) and runs migrant_serve; whatever it passes to
 * ipc_resp comes back in r. The status is 0 or an error: E_NOENT for a
 * missing target, E_DIED if a server on the path died, E_ABORTED if our
 * root process aborted the call, E_DEPTH if the activation did not fit.
 */
struct ipc_reply {
	long pid;		/* the process that responded */
	long d[4];
};

/*
 * One migration call, inline. The kernel keeps ra, gp, tp, sp and s0-s11
 * across it and gives back a0 (status), a1 (the pid that responded) and
 * a2..a5 (d0..d3); t0-t6, a6 and a7 come back zero (docs/ipc.md, "The
 * register contract"). So the asm names only those as clobbered and the
 * compiler keeps everything else live in registers: there is no stub
 * and nothing saved. The words go in a2..a5, as the kernel takes them.
 * Taking the address of ipc_req and the others gives an ordinary
 * function, for function pointers.
 */
static inline long ipc_call(long nr, long pid, long d0, long d1, long d2, long d3,
			    struct ipc_reply *r)
{
	register long a0 __asm__("a0") = pid;
	register long a1 __asm__("a1");
	register long a2 __asm__("a2") = d0;
	register long a3 __asm__("a3") = d1;
	register long a4 __asm__("a4") = d2;
	register long a5 __asm__("a5") = d3;
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(a0), "=r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a7)
			 :
			 : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a6", "memory");
	if (r)
		*r = (struct ipc_reply){ a1, { a2, a3, a4, a5 } };
	return a0;
}

static inline long ipc_req(long pid, long d0, long d1, long d2, long d3, struct ipc_reply *r)
{
	return ipc_call(SYS_IPC_REQ, pid, d0, d1, d2, d3, r);
}

static inline long ipc_fwd(long pid, long d0, long d1, long d2, long d3, struct ipc_reply *r)
{
	return ipc_call(SYS_IPC_FWD, pid, d0, d1, d2, d3, r);
}

static inline long ipc_tail(long pid, long d0, long d1, long d2, long d3, struct ipc_reply *r)
{
	return ipc_call(SYS_IPC_TAIL, pid, d0, d1, d2, d3, r);
}

static inline long ipc_kick(long pid, long d0, long d1, long d2, long d3, struct ipc_reply *r)
{
	return ipc_call(SYS_IPC_KICK, pid, d0, d1, d2, d3, r);
}

/* Returns only on error: E_INVAL in the root frame. The kernel reads a2..a5 and nothing else. */
static inline long ipc_resp(long d0, long d1, long d2, long d3)
{
	register long a0 __asm__("a0");
	register long a2 __asm__("a2") = d0;
	register long a3 __asm__("a3") = d1;
	register long a4 __asm__("a4") = d2;
	register long a5 __asm__("a5") = d3;
	register long a7 __asm__("a7") = SYS_IPC_RESP;

	__asm__ volatile("ecall"
			 : "=r"(a0), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a7)
			 :
			 : "a1", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a6", "memory");
	return a0;
}

/*
 * Called for every entry that is not the kernel starting main or a
 * thread: a call migrated in, eid being the effective caller. A server
 * defines its own and ends it with ipc_resp; the default answers E_NOSYS
 * in d0.
 */
void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3);

/* Sets this process's activation reservation; returns the previous one. */
static inline long ipc_frame(long bytes)
{
	return syscall1(SYS_IPC_FRAME, bytes);
}

static inline long ipc_abort(long tid)
{
	return syscall1(SYS_IPC_ABORT, tid);
}

/* How deep the calling thread is (0: its root process), and the eid its frame was entered with. */
static inline long ipc_depth(long *eid)
{
	struct sysret r = syscall6(SYS_IPC_DEPTH, 0, 0, 0, 0, 0, 0);

	if (eid)
		*eid = r.a1;
	return r.a0;
}

/*
 * Notifications (docs/ipc.md). A handler runs as a migration into the
 * process: the runtime calls migrant_signal, migrant_timer or migrant_irq
 * and then responds, which resumes what was interrupted.
 */
static inline long sys_notify(long pid, unsigned long bits)
{
	return syscall2(SYS_NOTIFY, pid, (long)bits);
}

/* Blocks until a notification is due; its handler runs before this returns. */
static inline long sys_notify_wait(void)
{
	return syscall0(SYS_NOTIFY_WAIT);
}

/*
 * The same, but returns 0 at once, without blocking, when *word no longer
 * reads value; the kernel checks it before every block. So a loop that
 * waits for a flag its own handlers set,
 *
 *	unsigned long seen;
 *	while (!((seen = flag) & BIT))
 *		sys_notify_wait_while(&flag, seen);
 *
 * cannot miss a handler that ran between its test and its wait (a tick or
 * a preemption there delivers it), which a plain sys_notify_wait would
 * sleep through. E_FAULT if the word cannot be read.
 */
static inline long sys_notify_wait_while(const volatile unsigned long *word, unsigned long value)
{
	return syscall2(SYS_NOTIFY_WAIT, (long)word, (long)value);
}

/* Enters this process's migrant_timer after delay ticks, then every period (0: once). */
static inline long sys_timer(unsigned long delay, unsigned long period)
{
	return syscall2(SYS_TIMER, (long)delay, (long)period);
}

static inline long sys_irq_register(long source)
{
	return syscall1(SYS_IRQ_REGISTER, source);
}

struct uart_info {
	long base, size, irq, reg_shift, reg_width;
	long kind;		/* UART_KIND_NS16550 or UART_KIND_SIFIVE */
};

static inline void sys_uart_info(struct uart_info *u)
{
	struct sysret r = syscall6(SYS_UART_INFO, 0, 0, 0, 0, 0, 0);

	u->base = r.a0;
	u->size = r.a1;
	u->irq = r.a2;
	u->reg_shift = r.a3 & 0xff;
	u->reg_width = (r.a3 >> 8) & 0xff;
	u->kind = (r.a3 >> 16) & 0xff;
}

void migrant_signal(unsigned long bits);
void migrant_timer(unsigned long expiries);
void migrant_irq(long source);

/* Shared memory (docs/ipc.md): create needs R_SHM; grant lets another process map it. */
static inline long shm_create(unsigned long size)
{
	return syscall1(SYS_SHM_CREATE, (long)size);
}

static inline long shm_grant(long id, long pid)
{
	return syscall2(SYS_SHM_GRANT, id, pid);
}

/* Maps region id; returns its address and, if size is not NULL, its size. */
static inline long shm_map(long id, unsigned long *size)
{
	struct sysret r = syscall6(SYS_SHM_MAP, id, 0, 0, 0, 0, 0);

	if (size)
		*size = r.a0 < 0 ? 0 : (unsigned long)r.a1;
	return r.a0;
}

static inline long shm_unmap(void *addr)
{
	return syscall1(SYS_SHM_UNMAP, (long)addr);
}

static inline long shm_free(long id)
{
	return syscall1(SYS_SHM_FREE, id);
}

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves every syscall rejects bad arguments with exactly the code
 * docs/syscalls.md gives, without crashing, changing anything or leaking:
 * NULL, kernel, unmapped and out-of-range pointers, wrapping ranges,
 * over-limit and zero sizes, misaligned addresses, bad and stale ids, bad
 * harts and rights masks, unknown syscall numbers, and calls that need a
 * right after it is dropped. Each row breaks exactly one rule, so the
 * expected code does not depend on the order of checks except where the
 * document fixes it. Stats return to their start at the end.
 */
#include <limits.h>
#include <stdbool.h>

#include <test.h>

#define PAGE        4096l
#define KADDR       ((long)0xffffffc000000000ul)  /* kernel half of Sv39 */
#define UNMAPPED    0x2fff000000l                 /* between devmem and stacks */
#define TOP         ((long)USER_TOP)
#define WRAP        (-16l)                        /* ptr + 32 wraps past 0 */
#define UART_PHYS   0x10000000l                   /* device memory on QEMU virt */
#define DEVMEM_MAX  (16l << 20)
#define BIG_ID      0x7fffffffl
#define ID_HIGH     ((1l << 32) | 1)              /* pid or tid 1 if truncated */

/* A row's want for calls that return a value, not a fixed code. */
#define NONNEG      LONG_MAX

struct row {
	const char *name;
	long nr;
	long a[6];
	long want;
};

/* The image's end: the page after it is unmapped (heap starts far above). */
extern char _end[];

static const char missing_path[] = "/no_such_file";
static const char spinner_path[] = "/spinner";

/* Runs rows and prints each one that fails; returns how many failed. */
static int run_rows(const struct row *rows, size_t n)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		long got = sys_raw6(r->nr, r->a[0], r->a[1], r->a[2], r->a[3],
				    r->a[4], r->a[5]);
		bool ok = r->want == NONNEG ? got >= 0 : got == r->want;

		if (ok)
			continue;
		if (r->want == NONNEG)
			printf("badargs: row '%s': got %ld, want >= 0\n", r->name, got);
		else
			printf("badargs: row '%s': got %ld, want %ld\n", r->name,
			       got, r->want);
		failed++;
	}
	return failed;
}

static long idle(long unused)
{
	(void)unused;
	return 0;
}

/* noreturn: the loop is the point, and it tells GCC why there is no return. */
__attribute__((noreturn))
static long spin_forever(long unused)
{
	(void)unused;
	for (;;)
		;
}

static long wait_status(long pid)
{
	long status = -1;

	CHECK_EQ(sys_wait(pid, &status), 0);
	return status;
}

/* A pid that was live and is now dead and reaped. */
static long make_stale_pid(void)
{
	long pid = sys_spawn(spinner_path, 0);

	CHECK_OK(pid);
	CHECK_EQ(sys_kill(pid), 0);
	CHECK_EQ(wait_status(pid), EXIT_KILLED);
	return pid;
}

/* A tid that was live and is now dead and joined. */
static long make_stale_tid(void)
{
	long tid = thread_spawn(HART_ANY, idle, 0);

	CHECK_OK(tid);
	CHECK_EQ(sys_thread_join(tid, NULL), 0);
	return tid;
}

/* Rows for buffers, paths and the calls that take them. */
static int check_buffers(void)
{
	static char buf[64];
	long text = (long)(void *)&run_rows;
	long end_page = ((long)_end + PAGE - 1) & ~(PAGE - 1);
	const long msg = (long)missing_path;
	const struct row rows[] = {
		{ "puts NULL", SYS_PUTS, { 0, 5 }, E_FAULT },
		{ "puts NULL len 0", SYS_PUTS, { 0, 0 }, 0 },
		{ "puts kernel", SYS_PUTS, { KADDR, 5 }, E_FAULT },
		{ "puts unmapped", SYS_PUTS, { UNMAPPED, 5 }, E_FAULT },
		{ "puts at USER_TOP", SYS_PUTS, { TOP, 1 }, E_FAULT },
		{ "puts across USER_TOP", SYS_PUTS, { TOP - 2, 5 }, E_FAULT },
		{ "puts wrapping", SYS_PUTS, { WRAP, 32 }, E_FAULT },
		{ "puts from below text", SYS_PUTS, { (long)USER_TEXT - 16, 32 }, E_FAULT },
		{ "puts past image end", SYS_PUTS, { end_page - 8, 16 }, E_FAULT },
		{ "puts over PUTS_MAX", SYS_PUTS, { msg, PUTS_MAX + 1 }, E_RANGE },
		{ "puts huge len", SYS_PUTS, { msg, -1 }, E_RANGE },
		{ "puts range before fault", SYS_PUTS, { KADDR, PUTS_MAX + 1 }, E_RANGE },
		{ "cmdline NULL", SYS_CMDLINE, { 0, 16 }, E_FAULT },
		{ "cmdline NULL len 0", SYS_CMDLINE, { 0, 0 }, 0 },
		{ "cmdline kernel", SYS_CMDLINE, { KADDR, 16 }, E_FAULT },
		{ "cmdline unmapped", SYS_CMDLINE, { UNMAPPED, 16 }, E_FAULT },
		{ "cmdline wrapping", SYS_CMDLINE, { WRAP, 32 }, E_FAULT },
		{ "cmdline into text", SYS_CMDLINE, { text, 16 }, E_FAULT },
		{ "cmdline over CMDLINE_MAX", SYS_CMDLINE, { (long)buf, CMDLINE_MAX + 1 }, E_RANGE },
		{ "cmdline huge len", SYS_CMDLINE, { (long)buf, -1 }, E_RANGE },
		{ "cmdline ok", SYS_CMDLINE, { (long)buf, sizeof(buf) }, NONNEG },
		{ "spawn NULL path", SYS_SPAWN, { 0, 5, 0 }, E_FAULT },
		{ "spawn len 0", SYS_SPAWN, { msg, 0, 0 }, E_INVAL },
		{ "spawn NULL len 0", SYS_SPAWN, { 0, 0, 0 }, E_INVAL },
		{ "spawn path too long", SYS_SPAWN, { msg, PATH_MAX_LEN + 1, 0 }, E_RANGE },
		{ "spawn huge len", SYS_SPAWN, { msg, -1, 0 }, E_RANGE },
		{ "spawn kernel path", SYS_SPAWN, { KADDR, 8, 0 }, E_FAULT },
		{ "spawn unmapped path", SYS_SPAWN, { UNMAPPED, 8, 0 }, E_FAULT },
		{ "spawn wrapping path", SYS_SPAWN, { -4, 8, 0 }, E_FAULT },
		{ "spawn missing file", SYS_SPAWN, { msg, sizeof(missing_path) - 1, 0 }, E_NOENT },
		{ "spawn bad rights", SYS_SPAWN, { (long)spinner_path, sizeof(spinner_path) - 1, 1l << 20 }, E_INVAL },
		{ "exec NULL path", SYS_EXEC, { 0, 5 }, E_FAULT },
		{ "exec len 0", SYS_EXEC, { msg, 0 }, E_INVAL },
		{ "exec path too long", SYS_EXEC, { msg, PATH_MAX_LEN + 1 }, E_RANGE },
		{ "exec kernel path", SYS_EXEC, { KADDR, 8 }, E_FAULT },
		{ "exec unmapped path", SYS_EXEC, { UNMAPPED, 8 }, E_FAULT },
		{ "exec missing file", SYS_EXEC, { msg, sizeof(missing_path) - 1 }, E_NOENT },
	};

	return run_rows(rows, ARRAY_LEN(rows));
}

static struct mself get_self(void)
{
	struct mself me;

	sys_self(&me);
	return me;
}

/* Rows for pids, tids, harts, sizes, addresses, masks and numbers. */
static int check_values(void)
{
	const struct mself me = get_self();
	long harts = test_harts();
	long stale_pid = make_stale_pid();
	long stale_tid = make_stale_tid();
	long fn = (long)(void *)&idle;
	const long max = (long)MEM_ALLOC_MAX;
	const long heap = (long)USER_HEAP;
	const struct row rows[] = {
		{ "kill pid 0", SYS_KILL, { 0 }, E_INVAL },
		{ "kill pid -5", SYS_KILL, { -5 }, E_INVAL },
		{ "kill pid LONG_MIN", SYS_KILL, { LONG_MIN }, E_INVAL },
		{ "kill unknown pid", SYS_KILL, { BIG_ID }, E_NOENT },
		{ "kill stale pid", SYS_KILL, { stale_pid }, E_NOENT },
		{ "wait pid 0", SYS_WAIT, { 0 }, E_INVAL },
		{ "wait pid -5", SYS_WAIT, { -5 }, E_INVAL },
		{ "wait unknown pid", SYS_WAIT, { BIG_ID }, E_NOENT },
		{ "wait pid above 32 bits", SYS_WAIT, { ID_HIGH }, E_NOENT },
		{ "wait stale pid", SYS_WAIT, { stale_pid }, E_NOENT },
		{ "wait own pid", SYS_WAIT, { me.pid }, E_PERM },
		{ "thread_create hart=harts", SYS_THREAD_CREATE, { harts, fn }, E_INVAL },
		{ "thread_create hart 1000", SYS_THREAD_CREATE, { 1000, fn }, E_INVAL },
		{ "thread_create hart -2", SYS_THREAD_CREATE, { -2, fn }, E_INVAL },
		{ "thread_create hart LONG_MIN", SYS_THREAD_CREATE, { LONG_MIN, fn }, E_INVAL },
		{ "thread_create hart 2^32", SYS_THREAD_CREATE, { 1l << 32, fn }, E_INVAL },
		{ "thread_kill tid 0", SYS_THREAD_KILL, { 0 }, E_INVAL },
		{ "thread_kill tid -5", SYS_THREAD_KILL, { -5 }, E_INVAL },
		{ "thread_kill unknown tid", SYS_THREAD_KILL, { BIG_ID }, E_NOENT },
		{ "thread_kill stale tid", SYS_THREAD_KILL, { stale_tid }, E_NOENT },
		{ "thread_join tid 0", SYS_THREAD_JOIN, { 0 }, E_INVAL },
		{ "thread_join tid -5", SYS_THREAD_JOIN, { -5 }, E_INVAL },
		{ "thread_join unknown tid", SYS_THREAD_JOIN, { BIG_ID }, E_NOENT },
		{ "thread_join tid above 32 bits", SYS_THREAD_JOIN, { ID_HIGH }, E_NOENT },
		{ "thread_join stale tid", SYS_THREAD_JOIN, { stale_tid }, E_NOENT },
		{ "thread_join self", SYS_THREAD_JOIN, { me.tid }, E_DEADLK },
		{ "thread_pin HART_ANY", SYS_THREAD_PIN, { HART_ANY }, E_INVAL },
		{ "thread_pin hart=harts", SYS_THREAD_PIN, { harts }, E_INVAL },
		{ "thread_pin hart 1000", SYS_THREAD_PIN, { 1000 }, E_INVAL },
		{ "thread_pin hart -2", SYS_THREAD_PIN, { -2 }, E_INVAL },
		{ "mem_alloc size 0", SYS_MEM_ALLOC, { 0 }, E_INVAL },
		{ "mem_alloc over max", SYS_MEM_ALLOC, { max + 1 }, E_RANGE },
		{ "mem_alloc max plus a page", SYS_MEM_ALLOC, { max + PAGE }, E_RANGE },
		{ "mem_alloc huge", SYS_MEM_ALLOC, { -1 }, E_RANGE },
		{ "mem_free misaligned", SYS_MEM_FREE, { heap + 1, PAGE }, E_INVAL },
		{ "mem_free misaligned kernel", SYS_MEM_FREE, { KADDR + 8, PAGE }, E_INVAL },
		{ "mem_free size 0", SYS_MEM_FREE, { heap, 0 }, E_INVAL },
		{ "mem_free never allocated", SYS_MEM_FREE, { heap, PAGE }, E_NOENT },
		{ "mem_free NULL", SYS_MEM_FREE, { 0, PAGE }, E_NOENT },
		{ "mem_free program text", SYS_MEM_FREE, { (long)USER_TEXT, PAGE }, E_NOENT },
		{ "mem_free kernel", SYS_MEM_FREE, { KADDR, PAGE }, E_NOENT },
		{ "devmem_map misaligned", SYS_DEVMEM_MAP, { UART_PHYS + 1, PAGE }, E_INVAL },
		{ "devmem_map size 0", SYS_DEVMEM_MAP, { UART_PHYS, 0 }, E_INVAL },
		{ "devmem_map over 16 MiB", SYS_DEVMEM_MAP, { UART_PHYS, DEVMEM_MAX + PAGE }, E_RANGE },
		{ "devmem_map huge", SYS_DEVMEM_MAP, { UART_PHYS, -PAGE }, E_RANGE },
		{ "ipc_req pid 0", SYS_IPC_REQ, { 0 }, E_INVAL },
		{ "ipc_req pid -1", SYS_IPC_REQ, { -1 }, E_INVAL },
		{ "ipc_req unknown pid", SYS_IPC_REQ, { BIG_ID }, E_NOENT },
		{ "ipc_req stale pid", SYS_IPC_REQ, { stale_pid }, E_NOENT },
		{ "ipc_fwd from the root frame", SYS_IPC_FWD, { me.pid }, E_INVAL },
		{ "ipc_tail from the root frame", SYS_IPC_TAIL, { me.pid }, E_INVAL },
		{ "ipc_kick from the root frame", SYS_IPC_KICK, { me.pid }, E_INVAL },
		{ "ipc_resp from the root frame", SYS_IPC_RESP, { 1, 2, 3, 4 }, E_INVAL },
		{ "ipc_frame 0", SYS_IPC_FRAME, { 0 }, E_INVAL },
		{ "ipc_frame misaligned", SYS_IPC_FRAME, { PAGE + 1 }, E_INVAL },
		{ "ipc_frame over the stack", SYS_IPC_FRAME, { ACT_STACK_SIZE + PAGE }, E_RANGE },
		{ "ipc_frame huge", SYS_IPC_FRAME, { -PAGE }, E_RANGE },
		{ "ipc_abort tid 0", SYS_IPC_ABORT, { 0 }, E_INVAL },
		{ "ipc_abort own tid", SYS_IPC_ABORT, { me.tid }, E_INVAL },
		{ "ipc_abort unknown tid", SYS_IPC_ABORT, { BIG_ID }, E_NOENT },
		{ "ipc_abort stale tid", SYS_IPC_ABORT, { stale_tid }, E_NOENT },
		{ "ipc_depth with junk", SYS_IPC_DEPTH, { -1, KADDR }, 0 },
		{ "notify pid 0", SYS_NOTIFY, { 0, 1 }, E_INVAL },
		{ "notify bits 0", SYS_NOTIFY, { me.pid, 0 }, E_INVAL },
		{ "notify unknown pid", SYS_NOTIFY, { BIG_ID, 1 }, E_NOENT },
		{ "notify stale pid", SYS_NOTIFY, { stale_pid, 1 }, E_NOENT },
		{ "timer disarm with junk period", SYS_TIMER, { 0, -1 }, 0 },
		{ "irq_register source 0", SYS_IRQ_REGISTER, { 0 }, E_INVAL },
		{ "irq_register source 100000", SYS_IRQ_REGISTER, { 100000 }, E_INVAL },
		{ "irq_register source -1", SYS_IRQ_REGISTER, { -1 }, E_INVAL },
		{ "shm_create size 0", SYS_SHM_CREATE, { 0 }, E_INVAL },
		{ "shm_create over max", SYS_SHM_CREATE, { SHM_MAX + 1 }, E_RANGE },
		{ "shm_create huge", SYS_SHM_CREATE, { -1 }, E_RANGE },
		{ "shm_grant id 0", SYS_SHM_GRANT, { 0, me.pid }, E_INVAL },
		{ "shm_grant unknown id", SYS_SHM_GRANT, { BIG_ID, me.pid }, E_NOENT },
		{ "shm_map id -1", SYS_SHM_MAP, { -1 }, E_INVAL },
		{ "shm_map unknown id", SYS_SHM_MAP, { BIG_ID }, E_NOENT },
		{ "shm_unmap misaligned", SYS_SHM_UNMAP, { (long)USER_SHM + 1 }, E_INVAL },
		{ "shm_unmap nothing there", SYS_SHM_UNMAP, { (long)USER_SHM }, E_NOENT },
		{ "shm_unmap kernel", SYS_SHM_UNMAP, { KADDR }, E_NOENT },
		{ "shm_unmap heap", SYS_SHM_UNMAP, { heap }, E_NOENT },
		{ "shm_free id 0", SYS_SHM_FREE, { 0 }, E_INVAL },
		{ "shm_free unknown id", SYS_SHM_FREE, { BIG_ID }, E_NOENT },
		{ "uart_info with junk", SYS_UART_INFO, { -1, KADDR }, NONNEG },
		/* The tests run kernels built without PROFILE=1 or TRACE=1. */
		{ "profile start", SYS_PROFILE, { PROFILE_START }, E_NOSYS },
		{ "profile dump", SYS_PROFILE, { PROFILE_DUMP }, E_NOSYS },
		{ "profile bad op", SYS_PROFILE, { -1 }, E_NOSYS },
		{ "trace start", SYS_TRACE, { TRACE_START }, E_NOSYS },
		{ "trace dump", SYS_TRACE, { TRACE_DUMP }, E_NOSYS },
		{ "trace bad op", SYS_TRACE, { -1 }, E_NOSYS },
		{ "rights bit 20", SYS_RIGHTS, { 1l << 20 }, E_INVAL },
		{ "rights all bits", SYS_RIGHTS, { -1 }, E_INVAL },
		{ "rights 0", SYS_RIGHTS, { 0 }, R_ALL },
		{ "yield with junk", SYS_YIELD, { -1, KADDR, 7 }, 0 },
		{ "clock with junk", SYS_CLOCK, { -1, KADDR }, NONNEG },
		{ "stats with junk", SYS_STATS, { -1, KADDR }, NONNEG },
		{ "self with junk", SYS_SELF, { -1, KADDR }, me.pid },
		{ "unknown syscall 999", 999, { 0 }, E_NOSYS },
		{ "unknown syscall -1", -1, { 0 }, E_NOSYS },
		{ "unknown syscall SYS_COUNT", SYS_COUNT, { 0 }, E_NOSYS },
		/* Cut to 32 bits this would be a yield, which returns 0. */
		{ "unknown syscall 2^32+yield", (1l << 32) | SYS_YIELD, { 0 }, E_NOSYS },
	};

	return run_rows(rows, ARRAY_LEN(rows));
}

/* mem_free must match one earlier allocation exactly, rounded to pages. */
static int check_mem_free(void)
{
	long va = sys_mem_alloc(2 * PAGE);
	const struct row rows[] = {
		{ "mem_free first half", SYS_MEM_FREE, { va, PAGE }, E_NOENT },
		{ "mem_free second half", SYS_MEM_FREE, { va + PAGE, PAGE }, E_NOENT },
		{ "mem_free too big", SYS_MEM_FREE, { va, 3 * PAGE }, E_NOENT },
		{ "mem_free rounded up", SYS_MEM_FREE, { va, 2 * PAGE - 100 }, 0 },
		{ "mem_free twice", SYS_MEM_FREE, { va, 2 * PAGE }, E_NOENT },
	};

	CHECK_OK(va);
	return run_rows(rows, ARRAY_LEN(rows));
}

/*
 * Threads of another process: a forked child sees our main thread, which
 * is alive but not its own, and our pid, which is not its child.
 */
static int check_foreign(void)
{
	const struct mself me = get_self();
	long pid = sys_fork();

	if (pid == 0) {
		const struct row rows[] = {
			{ "child: wait parent", SYS_WAIT, { me.pid }, E_PERM },
			{ "child: join foreign thread", SYS_THREAD_JOIN, { me.tid }, E_PERM },
			{ "child: kill foreign thread", SYS_THREAD_KILL, { me.tid }, E_PERM },
		};

		sys_exit(run_rows(rows, ARRAY_LEN(rows)));
	}
	CHECK_OK(pid);
	return (int)wait_status(pid);
}

/* A fork that must be refused; a wrongly forked child leaves at once. */
static int check_fork_refused(const char *name, long want)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit(1);
	if (pid > 0)
		wait_status(pid);
	if (pid == want)
		return 0;
	printf("badargs: row '%s': got %ld, want %ld\n", name, pid, want);
	return 1;
}

/* exec and fork refuse while another thread of the process is live. */
static int check_busy(void)
{
	long tid = thread_spawn(HART_ANY, spin_forever, 0);
	const struct row rows[] = {
		{ "exec with a live thread", SYS_EXEC,
		  { (long)spinner_path, sizeof(spinner_path) - 1 }, E_BUSY },
	};
	long v = -1;
	int failed;

	CHECK_OK(tid);
	failed = run_rows(rows, ARRAY_LEN(rows));
	failed += check_fork_refused("fork with a live thread", E_BUSY);
	CHECK_EQ(sys_thread_kill(tid), 0);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(v, EXIT_KILLED);
	return failed;
}

static long wait_for(long pid)
{
	long status = -1, r = sys_wait(pid, &status);

	return r ? r : status;
}

static long join_for(long tid)
{
	long value = -1, r = sys_thread_join(tid, &value);

	return r ? r : value;
}

/*
 * A second waiter for the same child, and a second joiner of the same
 * thread, get E_BUSY. The first one is a thread on this hart (HART_ANY),
 * so yielding lets it run until it blocks in its wait.
 */
static int check_second_waiter(void)
{
	long child = sys_spawn(spinner_path, 0), target, waiter, r;
	int failed = 0;

	CHECK_OK(child);
	waiter = thread_spawn(HART_ANY, wait_for, child);
	CHECK_OK(waiter);
	sys_yield();
	r = sys_wait(child, NULL);
	if (r != E_BUSY) {
		printf("badargs: row 'wait with another waiter': got %ld, want %d\n", r, E_BUSY);
		failed++;
	}
	CHECK_EQ(sys_kill(child), 0);
	CHECK_EQ(join_for(waiter), EXIT_KILLED);

	target = thread_spawn(HART_ANY, spin_forever, 0);
	CHECK_OK(target);
	waiter = thread_spawn(HART_ANY, join_for, target);
	CHECK_OK(waiter);
	sys_yield();
	r = sys_thread_join(target, NULL);
	if (r != E_BUSY) {
		printf("badargs: row 'thread_join with another joiner': got %ld, want %d\n", r, E_BUSY);
		failed++;
	}
	CHECK_EQ(sys_thread_kill(target), 0);
	CHECK_EQ(join_for(waiter), EXIT_KILLED);
	return failed;
}

/* Last, since the rights never come back. */
static int check_dropped_rights(void)
{
	const struct row rows[] = {
		{ "devmem_map without R_DEVMEM", SYS_DEVMEM_MAP, { UART_PHYS, PAGE }, E_PERM },
		{ "poweroff without R_POWER", SYS_POWEROFF, { 0 }, E_PERM },
	};
	long pid;
	int failed;

	CHECK_EQ(sys_rights(R_DEVMEM | R_POWER | R_SPAWN),
		 R_ALL & ~(R_DEVMEM | R_POWER | R_SPAWN));
	failed = run_rows(rows, ARRAY_LEN(rows));
	pid = sys_spawn(spinner_path, 0);
	if (pid > 0) {
		sys_kill(pid);
		wait_status(pid);
	}
	if (pid != E_PERM) {
		printf("badargs: row 'spawn without R_SPAWN': got %ld, want %d\n",
		       pid, E_PERM);
		failed++;
	}
	failed += check_fork_refused("fork without R_SPAWN", E_PERM);
	return failed;
}

/* Uses each kind of object once, so first-use caches are in place. */
static void warm_up(void)
{
	long va = sys_mem_alloc(PAGE);
	long pid;

	make_stale_pid();
	make_stale_tid();
	CHECK_OK(va);
	CHECK_EQ(sys_mem_free((void *)va, PAGE), 0);
	pid = sys_fork();
	if (pid == 0)
		sys_exit(0);
	CHECK_OK(pid);
	CHECK_EQ(wait_status(pid), 0);
}

int main(void)
{
	struct mstats start;
	int failed = 0;

	test_start("badargs");
	CHECK_EQ(sys_rights(0), R_ALL);
	warm_up();
	stats_snapshot(&start);
	failed += check_buffers();
	failed += check_values();
	failed += check_mem_free();
	failed += check_foreign();
	failed += check_busy();
	failed += check_second_waiter();
	failed += check_dropped_rights();
	if (failed)
		test_fail("%d rows failed (listed above)", failed);
	stats_settle(&start);
	test_pass();
}

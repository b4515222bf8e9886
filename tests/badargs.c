/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves every syscall returns exactly the codes docs/syscalls.md gives it,
 * and each of them: bad arguments (NULL, kernel, unmapped and out-of-range
 * pointers, wrapping ranges, over-limit and zero sizes, misaligned
 * addresses, bad and stale ids, bad harts and rights masks, unknown
 * numbers) and the states that refuse a call (no right, not the owner,
 * busy, out of memory, aborted, a server that died). Each row breaks
 * exactly one rule, so the expected code does not depend on the order of
 * checks except where the document fixes it.
 *
 * docs[] below is the document's table: for each call, every code it may
 * return. Every result is checked against it, so an undocumented code
 * fails the test wherever it comes back; each documented code a row
 * produced is marked seen, and at the end the test fails naming every
 * documented (call, code) pair that no row produced, bar the exceptions
 * listed (with the reason) beside the table. Forked children mark theirs
 * in the parent's table by a call into it (CMD_SEEN). Stats return to
 * their start at the end.
 */
#include <limits.h>
#include <stdbool.h>

#include <memhog.h>
#include <test.h>

#define PAGE        4096l
#define KADDR       ((long)0xffffffc000000000ul)  /* kernel half of Sv39 */
#define UNMAPPED    0x2fff000000l                 /* between devmem and stacks */
#define TOP         ((long)USER_TOP)
#define WRAP        (-16l)                        /* ptr + 32 wraps past 0 */
#define UART_PHYS   0x10000000l                   /* device memory on QEMU virt */
#define RAM_PHYS    0x80000000l                   /* RAM on QEMU virt */
#define DEVMEM_MAX  (16l << 20)
#define BIG_ID      0x7fffffffl
#define ID_HIGH     ((1l << 32) | 1)              /* pid or tid 1 if truncated */

/* A row's want for calls that return a value, not a fixed code. */
#define NONNEG      LONG_MAX

/* A code's bit in a call's set: codes run from -1 to E_MIN. */
#define C(e)        (1u << -(e))
#define UNKNOWN_NR  SYS_COUNT                     /* docs[] slot for unknown numbers */

/* Every code docs/syscalls.md gives each call: the argument rules it is subject to, and its row. */
static const struct doc {
	const char *name;
	unsigned codes;
} docs[SYS_COUNT + 1] = {
	[SYS_EXIT] = { "exit", 0 },
	[SYS_PUTS] = { "puts", C(E_RANGE) | C(E_FAULT) },
	[SYS_POWEROFF] = { "poweroff", C(E_PERM) },
	[SYS_CLOCK] = { "clock", 0 },
	[SYS_SPAWN] = { "spawn", C(E_INVAL) | C(E_RANGE) | C(E_FAULT) | C(E_NOENT) | C(E_PERM) |
				 C(E_BADELF) | C(E_NOMEM) },
	[SYS_EXEC] = { "exec", C(E_INVAL) | C(E_RANGE) | C(E_FAULT) | C(E_NOENT) | C(E_BUSY) |
			       C(E_BADELF) | C(E_NOMEM) | C(E_KILLED) },
	[SYS_FORK] = { "fork", C(E_PERM) | C(E_BUSY) | C(E_NOMEM) },
	[SYS_KILL] = { "kill", C(E_INVAL) | C(E_NOENT) | C(E_PERM) },
	[SYS_WAIT] = { "wait", C(E_INVAL) | C(E_NOENT) | C(E_PERM) | C(E_BUSY) | C(E_KILLED) },
	[SYS_THREAD_CREATE] = { "thread_create", C(E_INVAL) | C(E_NOMEM) },
	[SYS_THREAD_EXIT] = { "thread_exit", C(E_PERM) },
	[SYS_THREAD_KILL] = { "thread_kill", C(E_INVAL) | C(E_NOENT) | C(E_PERM) },
	[SYS_THREAD_JOIN] = { "thread_join", C(E_INVAL) | C(E_NOENT) | C(E_PERM) | C(E_DEADLK) |
					     C(E_BUSY) | C(E_KILLED) },
	[SYS_THREAD_PIN] = { "thread_pin", C(E_INVAL) | C(E_BUSY) },
	[SYS_MEM_ALLOC] = { "mem_alloc", C(E_INVAL) | C(E_RANGE) | C(E_NOMEM) },
	[SYS_MEM_FREE] = { "mem_free", C(E_INVAL) | C(E_NOENT) },
	[SYS_YIELD] = { "yield", 0 },
	[SYS_STATS] = { "stats", 0 },
	[SYS_SELF] = { "self", 0 },
	[SYS_RIGHTS] = { "rights", C(E_INVAL) },
	[SYS_CMDLINE] = { "cmdline", C(E_RANGE) | C(E_FAULT) },
	[SYS_DEVMEM_MAP] = { "devmem_map", C(E_PERM) | C(E_INVAL) | C(E_RANGE) | C(E_NOMEM) },
	[SYS_IPC_REQ] = { "ipc_req", C(E_INVAL) | C(E_NOENT) | C(E_BUSY) | C(E_DEPTH) | C(E_NOMEM) |
				     C(E_DIED) | C(E_ABORTED) },
	[SYS_IPC_FWD] = { "ipc_fwd", C(E_INVAL) | C(E_NOENT) | C(E_BUSY) | C(E_DEPTH) | C(E_NOMEM) |
				     C(E_DIED) },
	/* A tail or kick never returns once it is in: the reply, E_DIED and E_ABORTED go to the frame below. */
	[SYS_IPC_TAIL] = { "ipc_tail", C(E_INVAL) | C(E_NOENT) | C(E_BUSY) | C(E_DEPTH) | C(E_NOMEM) },
	[SYS_IPC_KICK] = { "ipc_kick", C(E_INVAL) | C(E_NOENT) | C(E_BUSY) | C(E_DEPTH) | C(E_NOMEM) },
	[SYS_IPC_RESP] = { "ipc_resp", C(E_INVAL) },
	[SYS_IPC_FRAME] = { "ipc_frame", C(E_INVAL) | C(E_RANGE) },
	[SYS_IPC_ABORT] = { "ipc_abort", C(E_INVAL) | C(E_NOENT) | C(E_PERM) },
	[SYS_IPC_DEPTH] = { "ipc_depth", 0 },
	[SYS_NOTIFY] = { "notify", C(E_PERM) | C(E_INVAL) | C(E_NOENT) },
	[SYS_NOTIFY_WAIT] = { "notify_wait", C(E_KILLED) | C(E_FAULT) },
	[SYS_TIMER] = { "timer", C(E_INVAL) },
	[SYS_IRQ_REGISTER] = { "irq_register", C(E_PERM) | C(E_INVAL) | C(E_BUSY) },
	[SYS_UART_INFO] = { "uart_info", 0 },
	[SYS_SHM_CREATE] = { "shm_create", C(E_PERM) | C(E_INVAL) | C(E_RANGE) | C(E_NOMEM) |
					   C(E_KILLED) },
	[SYS_SHM_GRANT] = { "shm_grant", C(E_INVAL) | C(E_NOENT) | C(E_PERM) | C(E_RANGE) },
	[SYS_SHM_MAP] = { "shm_map", C(E_INVAL) | C(E_NOENT) | C(E_PERM) | C(E_NOMEM) },
	[SYS_SHM_UNMAP] = { "shm_unmap", C(E_INVAL) | C(E_NOENT) },
	[SYS_SHM_FREE] = { "shm_free", C(E_INVAL) | C(E_NOENT) | C(E_PERM) },
	[SYS_PROFILE] = { "profile", C(E_NOSYS) | C(E_INVAL) },
	[SYS_TRACE] = { "trace", C(E_NOSYS) | C(E_INVAL) | C(E_NOMEM) },
	[SYS_HOLD] = { "hold", C(E_PERM) | C(E_INVAL) | C(E_RANGE) },
	[UNKNOWN_NR] = { "unknown number", C(E_NOSYS) },
};

/* Documented pairs no user program can produce in the kernels the tests run; printed each run. */
static const struct exception {
	long nr, code;
	const char *why;
} exceptions[] = {
	/*
	 * A killed process's own thread never sees it: the kill pokes its
	 * threads under the lock the link takes, so the thread exits on its
	 * way out. A thread migrated into the process sees it only between
	 * the kill's state change and the poke that unwinds it (its caller
	 * then gets E_DIED): a race on another hart with nothing to wait in.
	 */
	{ SYS_SHM_CREATE, E_KILLED, "needs a kill on another hart to land between building the region "
				    "and linking it to its owner, and is seen only by a thread about to be "
				    "unwound out of that process" },
	{ SYS_PROFILE, E_INVAL, "only in a PROFILE=1 kernel (make profile); the tests run without" },
	{ SYS_TRACE, E_INVAL, "only in a TRACE=1 kernel (make trace); the tests run without" },
	{ SYS_TRACE, E_NOMEM, "only in a TRACE=1 kernel (make trace); the tests run without" },
};

/* Documented codes produced so far, per call (docs[] index). */
static unsigned seen[SYS_COUNT + 1];
/* Rows that failed in this process. */
static int failed;
static long parent_pid;

static long doc_index(long nr)
{
	return nr >= 0 && nr < SYS_COUNT ? nr : UNKNOWN_NR;
}

static bool documented(long nr, long code)
{
	return code < 0 && code >= E_MIN && (docs[doc_index(nr)].codes & C(code));
}

static const char *const code_names[] = {
	[-E_INVAL] = "E_INVAL",	  [-E_FAULT] = "E_FAULT",   [-E_NOENT] = "E_NOENT",
	[-E_PERM] = "E_PERM",	  [-E_NOMEM] = "E_NOMEM",   [-E_RANGE] = "E_RANGE",
	[-E_BADELF] = "E_BADELF", [-E_BUSY] = "E_BUSY",	    [-E_NOSYS] = "E_NOSYS",
	[-E_DEADLK] = "E_DEADLK", [-E_KILLED] = "E_KILLED", [-E_DIED] = "E_DIED",
	[-E_ABORTED] = "E_ABORTED", [-E_DEPTH] = "E_DEPTH",
};

/* A result as the messages print it: a code's name, or the value. */
static const char *result_name(long v, char *buf, size_t size)
{
	if (v < 0 && v >= E_MIN)
		return code_names[-v];
	snprintf(buf, size, "%ld", v);
	return buf;
}

/* The codes in a set, as "E_INVAL E_NOENT", or "none". */
static const char *set_names(unsigned set, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (long code = -1; code >= E_MIN; code--)
		if (set & C(code))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "", code_names[-code]);
	return n ? buf : "none";
}

/*
 * Checks one result: it must be want (NONNEG: any value >= 0), and a
 * negative one must be a code docs[] lists for the call. A right code is
 * marked seen. A failure names the row, the call, what came back and
 * what the document allows.
 */
static void expect(const char *what, long nr, long got, long want)
{
	const struct doc *d = &docs[doc_index(nr)];
	bool ok = want == NONNEG ? got >= 0 : got == want;
	char g[24], w[24], allowed[160];

	if (got < 0 && !documented(nr, got)) {
		printf("badargs: row '%s': %s returned %s, which docs/syscalls.md does not give it "
		       "(it gives: %s)\n",
		       what, d->name, result_name(got, g, sizeof(g)), set_names(d->codes, allowed, sizeof(allowed)));
		ok = false;
	} else if (!ok) {
		printf("badargs: row '%s': %s returned %s, want %s\n", what, d->name,
		       result_name(got, g, sizeof(g)), want == NONNEG ? ">= 0" : result_name(want, w, sizeof(w)));
	}
	if (!ok)
		failed++;
	else if (got < 0)
		seen[doc_index(nr)] |= C(got);
}

static bool excepted(long nr, long code)
{
	for (size_t i = 0; i < ARRAY_LEN(exceptions); i++)
		if (exceptions[i].nr == nr && exceptions[i].code == code)
			return true;
	return false;
}

/* Prints the exceptions and fails a row for each documented pair never produced. */
static void check_coverage(void)
{
	int pairs = 0, missing = 0;

	for (size_t i = 0; i < ARRAY_LEN(exceptions); i++)
		printf("badargs: not produced: %s %s: %s\n", docs[exceptions[i].nr].name,
		       code_names[-exceptions[i].code], exceptions[i].why);
	for (long nr = 0; nr <= UNKNOWN_NR; nr++) {
		for (long code = -1; code >= E_MIN; code--) {
			if (!documented(nr, code) || excepted(nr, code))
				continue;
			pairs++;
			if (seen[nr] & C(code))
				continue;
			printf("badargs: documented pair never produced: %s %s\n", docs[nr].name,
			       code_names[-code]);
			missing++;
		}
	}
	printf("badargs: %d documented pairs produced, %d missing, %d excepted\n", pairs - missing,
	       missing, (int)ARRAY_LEN(exceptions));
	failed += missing;
}

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
/* A text file in the initrd (tests/files/notelf, the Makefile's mkcpio). */
static const char notelf_path[] = "/notelf";

/*
 * One row's call. The migration calls go through their stubs (user/ipc.S),
 * which keep the registers a migration does not hand back.
 */
static long row_call(const struct row *r)
{
	struct ipc_reply rep;
	const long *a = r->a;

	switch (r->nr) {
	case SYS_IPC_REQ:
		return ipc_req(a[0], a[2], a[3], a[4], a[5], &rep);
	case SYS_IPC_FWD:
		return ipc_fwd(a[0], a[2], a[3], a[4], a[5], &rep);
	case SYS_IPC_TAIL:
		return ipc_tail(a[0], a[2], a[3], a[4], a[5], &rep);
	case SYS_IPC_KICK:
		return ipc_kick(a[0], a[2], a[3], a[4], a[5], &rep);
	case SYS_IPC_RESP:
		return ipc_resp(a[2], a[3], a[4], a[5]);
	default:
		return sys_raw6(r->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
}

/* Runs rows through expect. */
static void run_rows(const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect(rows[i].name, rows[i].nr, row_call(&rows[i]), rows[i].want);
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
static void check_buffers(void)
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
		{ "spawn not an ELF", SYS_SPAWN, { (long)notelf_path, sizeof(notelf_path) - 1, 0 }, E_BADELF },
	};

	run_rows(rows, ARRAY_LEN(rows));
}

static struct mself get_self(void)
{
	struct mself me;

	sys_self(&me);
	return me;
}

/* Rows for pids, tids, harts, sizes, addresses, masks and numbers. */
static void check_values(void)
{
	const struct mself me = get_self();
	long harts = test_harts();
	long stale_pid = make_stale_pid();
	long stale_tid = make_stale_tid();
	long fn = (long)(void *)&idle;
	const long max = (long)MEM_ALLOC_MAX;
	const long heap = (long)USER_HEAP;
	long shm = shm_create(PAGE);
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
		{ "devmem_map RAM", SYS_DEVMEM_MAP, { RAM_PHYS, PAGE }, E_INVAL },
		{ "notify_wait kernel word", SYS_NOTIFY_WAIT, { KADDR, 0 }, E_FAULT },
		{ "notify_wait unmapped word", SYS_NOTIFY_WAIT, { heap, 0 }, E_FAULT },
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
		{ "timer delay over TIMER_MAX", SYS_TIMER, { (long)TIMER_MAX + 1, 0 }, E_INVAL },
		{ "timer period over TIMER_MAX", SYS_TIMER, { 1000000000l, (long)TIMER_MAX + 1 }, E_INVAL },
		{ "irq_register source 0", SYS_IRQ_REGISTER, { 0 }, E_INVAL },
		{ "irq_register source 100000", SYS_IRQ_REGISTER, { 100000 }, E_INVAL },
		{ "irq_register source -1", SYS_IRQ_REGISTER, { -1 }, E_INVAL },
		{ "shm_create size 0", SYS_SHM_CREATE, { 0 }, E_INVAL },
		{ "shm_create over max", SYS_SHM_CREATE, { SHM_MAX + 1 }, E_RANGE },
		{ "shm_create huge", SYS_SHM_CREATE, { -1 }, E_RANGE },
		{ "shm_grant id 0", SYS_SHM_GRANT, { 0, me.pid }, E_INVAL },
		{ "shm_grant unknown id", SYS_SHM_GRANT, { BIG_ID, me.pid }, E_NOENT },
		{ "shm_grant pid 0", SYS_SHM_GRANT, { shm, 0 }, E_INVAL },
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
		{ "hold mode 2", SYS_HOLD, { 2, 1 }, E_INVAL },
		{ "hold mode -1", SYS_HOLD, { -1, 1 }, E_INVAL },
		{ "hold mode 2 for 0 us (the mode first)", SYS_HOLD, { 2, 0 }, E_INVAL },
		{ "hold for 0 us", SYS_HOLD, { HOLD_KERNEL, 0 }, E_RANGE },
		{ "hold past HOLD_MAX_US", SYS_HOLD, { HOLD_USER, (long)HOLD_MAX_US + 1 }, E_RANGE },
		{ "hold for -1 us", SYS_HOLD, { HOLD_KERNEL, -1 }, E_RANGE },
		{ "hold in the kernel for 1 us", SYS_HOLD, { HOLD_KERNEL, 1 }, 0 },
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

	CHECK_OK(shm);
	run_rows(rows, ARRAY_LEN(rows));
	CHECK_EQ(shm_free(shm), 0);
}


/* mem_free must match one earlier allocation exactly, rounded to pages. */
static void check_mem_free(void)
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
	run_rows(rows, ARRAY_LEN(rows));
}

/*
 * Calls into this process (self-migration, or a forked copy of it serving
 * calls): d0 is the command. Each handler responds with a status in d0.
 */
enum {
	CMD_SEEN = 1,	/* d1 a docs[] index, d2 codes a child produced for it */
	CMD_NOOP,
	CMD_FRAME,	/* d1: the callee's reservation (ipc_frame) */
	CMD_EXIT,	/* the callee exits: its caller gets E_DIED */
	CMD_HOP,	/* d1 SYS_IPC_FWD/TAIL/KICK, d2 the target, d3 its command */
	CMD_SPIN,	/* yields until aborted */
	CMD_IN_CALLEE,	/* the calls a callee may not make on a borrowed thread */
	CMD_EXEC_HOLD,	/* in the exec child: holds its exec up, then aborts it */
	CMD_HOLD,	/* in the parent: until busy_done */
};

/* The exec child (check_exec_busy): set in its own copy of these. */
static volatile long inside, execing, child_tid;
/* The parent: its probes of the child in exec are done. */
static volatile long busy_done;

static long hop(long nr, long pid, long cmd)
{
	struct ipc_reply r;

	if (nr == SYS_IPC_FWD)
		return ipc_fwd(pid, cmd, 0, 0, 0, &r);
	if (nr == SYS_IPC_TAIL)
		return ipc_tail(pid, cmd, 0, 0, 0, &r);
	return ipc_kick(pid, cmd, 0, 0, 0, &r);
}

static void in_callee(void)
{
	expect("thread_exit in a callee", SYS_THREAD_EXIT, syscall1(SYS_THREAD_EXIT, 0), E_PERM);
	expect("exec in a callee", SYS_EXEC, sys_exec(spinner_path), E_BUSY);
	expect("fork in a callee", SYS_FORK, sys_fork(), E_BUSY);
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	struct ipc_reply r;
	long st = 0;

	(void)tid;
	switch (d0) {
	case CMD_SEEN:
		if (d1 >= 0 && d1 <= UNKNOWN_NR)
			seen[d1] |= (unsigned)d2;
		break;
	case CMD_NOOP:
		break;
	case CMD_FRAME:
		st = ipc_frame(d1);
		st = st < 0 ? st : 0;
		break;
	case CMD_EXIT:
		sys_exit(0);
	case CMD_HOP:
		st = hop(d1, d2, d3);
		break;
	case CMD_SPIN:
		for (;;)
			sys_yield();
	case CMD_IN_CALLEE:
		in_callee();
		break;
	case CMD_EXEC_HOLD:
		inside = 1;
		while (!execing)
			sys_yield();
		st = ipc_req(eid, CMD_HOLD, 0, 0, 0, &r);
		/* The exec waits for us to leave; its own process cuts the wait short. */
		CHECK_EQ(ipc_abort(child_tid), 0);
		break;
	case CMD_HOLD:
		while (!busy_done)
			sys_yield();
		break;
	default:
		st = E_NOSYS;
	}
	ipc_resp(st, 0, 0, 0);
}

/* One call into pid with command cmd (and d1..d3); returns its status, or the handler's if that was 0. */
static long call(long pid, long cmd, long d1, long d2, long d3)
{
	struct ipc_reply r;
	long st = ipc_req(pid, cmd, d1, d2, d3, &r);

	return st ? st : r.d[0];
}

/* A child's codes go into the parent's table; its failures are its exit status. */
__attribute__((noreturn))
static void child_exit(void)
{
	for (long nr = 0; nr <= UNKNOWN_NR; nr++)
		if (seen[nr])
			CHECK_EQ(call(parent_pid, CMD_SEEN, nr, seen[nr], 0), 0);
	sys_exit(failed > 100 ? 100 : failed);
}

/* Runs fn in a forked child, which reports back; its failures count here. */
static void in_child(const char *what, void (*fn)(long), long arg)
{
	long pid = sys_fork(), status;

	if (pid == 0) {
		failed = 0;
		fn(arg);
		child_exit();
	}
	CHECK_OK(pid);
	status = wait_status(pid);
	if (status < 0 || status > 100) {
		printf("badargs: child '%s' ended with status %lx\n", what, status);
		failed++;
	} else {
		failed += (int)status;
	}
}

/*
 * A forked copy of this program serving calls, with reservation frame
 * (0: as it is), set by a call so that it holds before the first real one.
 */
static long fork_server(long frame)
{
	long pid = sys_fork();

	if (pid == 0)
		for (;;)
			sys_notify_wait();
	CHECK_OK(pid);
	if (frame)
		CHECK_EQ(call(pid, CMD_FRAME, frame, 0, 0), 0);
	return pid;
}

static void kill_server(long pid)
{
	CHECK_EQ(sys_kill(pid), 0);
	CHECK_EQ(wait_status(pid), EXIT_KILLED);
}

static const long hops[] = { SYS_IPC_FWD, SYS_IPC_TAIL, SYS_IPC_KICK };

/*
 * The migration codes of each call. A fwd, tail or kick is made by our
 * own handler (a self-call, so a frame with a real eid above the root).
 * A refusal comes back to that handler, which passes it on in d0. A tail
 * or kick that got in replaced the handler's frame, so the handler never
 * resumes: a server dying under it answers the root's ipc_req.
 */
static void check_ipc(void)
{
	const struct mself me = get_self();
	long deep = fork_server((long)ACT_STACK_SIZE);
	struct ipc_reply r;
	char name[80];

	expect("ipc_req into a full-stack reservation", SYS_IPC_REQ, call(deep, CMD_NOOP, 0, 0, 0),
	       E_DEPTH);
	for (size_t i = 0; i < ARRAY_LEN(hops); i++) {
		const char *hop_name = docs[hops[i]].name;
		long dying = fork_server(0), st;

		snprintf(name, sizeof(name), "%s into a full-stack reservation", hop_name);
		expect(name, hops[i], call(me.pid, CMD_HOP, hops[i], deep, CMD_NOOP), E_DEPTH);
		snprintf(name, sizeof(name), "%s to an unknown pid", hop_name);
		expect(name, hops[i], call(me.pid, CMD_HOP, hops[i], BIG_ID, CMD_NOOP), E_NOENT);
		st = ipc_req(me.pid, CMD_HOP, hops[i], dying, CMD_EXIT, &r);
		if (hops[i] == SYS_IPC_FWD) {
			expect("ipc_req whose callee's fwd saw its server exit", SYS_IPC_REQ, st, 0);
			expect("ipc_fwd into a server that exits", SYS_IPC_FWD, r.d[0], E_DIED);
		} else {
			snprintf(name, sizeof(name), "ipc_req whose callee's %s went into a server that exits",
				 hop_name);
			expect(name, SYS_IPC_REQ, st, E_DIED);
			CHECK_EQ(r.pid, dying);
		}
		CHECK_EQ(wait_status(dying), 0);
	}
	kill_server(deep);

	long dying = fork_server(0);

	expect("ipc_req into a server that exits", SYS_IPC_REQ, call(dying, CMD_EXIT, 0, 0, 0), E_DIED);
	CHECK_EQ(wait_status(dying), 0);
	expect("calls refused in a callee", SYS_IPC_REQ, call(me.pid, CMD_IN_CALLEE, 0, 0, 0), 0);
}

/* The thread under an abort: its one blocking call, and what it returned. */
static long (*blocking_call)(long);
static long blocking_arg;
static long blocked_result;
#define UNSET 12345

static long call_once(long unused)
{
	(void)unused;
	__atomic_store_n(&blocked_result, blocking_call(blocking_arg), __ATOMIC_SEQ_CST);
	return 0;
}

/*
 * Starts call(arg) in a thread and aborts it until the call returns: an
 * abort that lands before the thread blocks is spent at its next return
 * to user mode. Returns what the call returned.
 */
static long aborted(long (*fn)(long), long arg)
{
	unsigned long hz, t0 = sys_clock(&hz);
	long tid, v = -1;

	blocking_call = fn;
	blocking_arg = arg;
	__atomic_store_n(&blocked_result, UNSET, __ATOMIC_SEQ_CST);
	tid = thread_spawn(HART_ANY, call_once, 0);
	CHECK_OK(tid);
	while (__atomic_load_n(&blocked_result, __ATOMIC_SEQ_CST) == UNSET) {
		CHECK_EQ(ipc_abort(tid), 0);
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("a blocked call was not interrupted 5 s after the first abort");
		sys_yield();
	}
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	return blocked_result;
}

static long wait_call(long pid)
{
	return sys_wait(pid, NULL);
}

static long join_call(long tid)
{
	return sys_thread_join(tid, NULL);
}

static long notify_wait_call(long unused)
{
	(void)unused;
	return sys_notify_wait();
}

static long spin_call(long unused)
{
	(void)unused;
	return call(get_self().pid, CMD_SPIN, 0, 0, 0);
}

static long hop_spin_call(long nr)
{
	long self = get_self().pid;

	return call(self, CMD_HOP, nr, self, CMD_SPIN);
}

/* E_KILLED from the blocking calls, E_ABORTED from calls, all by ipc_abort. */
static void check_aborts(void)
{
	long child = sys_spawn(spinner_path, 0);
	long target = thread_spawn(HART_ANY, spin_forever, 0), v = -1;

	CHECK_OK(child);
	CHECK_OK(target);
	expect("wait aborted", SYS_WAIT, aborted(wait_call, child), E_KILLED);
	kill_server(child);
	expect("thread_join aborted", SYS_THREAD_JOIN, aborted(join_call, target), E_KILLED);
	CHECK_EQ(sys_thread_kill(target), 0);
	CHECK_EQ(sys_thread_join(target, &v), 0);
	expect("notify_wait aborted", SYS_NOTIFY_WAIT, aborted(notify_wait_call, 0), E_KILLED);
	expect("ipc_req aborted", SYS_IPC_REQ, aborted(spin_call, 0), E_ABORTED);
	/* An abort pops every frame above the root: only the root's call, an ipc_req, sees it. */
	for (size_t i = 0; i < ARRAY_LEN(hops); i++)
		expect("ipc_req aborted while its callee's fwd, tail or kick is inside", SYS_IPC_REQ,
		       aborted(hop_spin_call, hops[i]), E_ABORTED);
}

static long exec_hold_call(long pid)
{
	return call(pid, CMD_EXEC_HOLD, 0, 0, 0);
}

/*
 * A forked child execs while one of our threads is inside it: calls into
 * it get E_BUSY meanwhile, and the thread inside (running in the child,
 * so of the exec's root process) aborts the exec: E_KILLED.
 */
static void check_exec_busy(void)
{
	const struct mself me = get_self();
	unsigned long hz, t0 = sys_clock(&hz);
	long pid, tid, st, v = -1;

	busy_done = 0;
	pid = sys_fork();
	if (pid == 0) {
		failed = 0;
		child_tid = get_self().tid;
		while (!inside)
			sys_yield();
		execing = 1;
		expect("exec aborted while it waits", SYS_EXEC, sys_exec(spinner_path), E_KILLED);
		child_exit();
	}
	CHECK_OK(pid);
	tid = thread_spawn(HART_ANY, exec_hold_call, pid);
	CHECK_OK(tid);
	while ((st = call(pid, CMD_NOOP, 0, 0, 0)) == 0) {
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("the child's exec did not close it in 5 s");
		sys_yield();
	}
	expect("ipc_req into a process in exec", SYS_IPC_REQ, st, E_BUSY);
	for (size_t i = 0; i < ARRAY_LEN(hops); i++)
		expect("hop into a process in exec", hops[i], call(me.pid, CMD_HOP, hops[i], pid, CMD_NOOP),
		       E_BUSY);
	busy_done = 1;
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	st = wait_status(pid);
	if (st != 0) {
		printf("badargs: exec child ended with status %lx\n", st);
		failed++;
	}
}

static long parent_tid;

/*
 * Threads of another process: a forked child sees our main thread, which
 * is alive but not its own, our pid, which is not its child, and our
 * shared region, which it neither owns nor was granted.
 */

static void run_foreign(long shm)
{
	const struct row rows[] = {
		{ "child: wait parent", SYS_WAIT, { parent_pid }, E_PERM },
		{ "child: join foreign thread", SYS_THREAD_JOIN, { parent_tid }, E_PERM },
		{ "child: kill foreign thread", SYS_THREAD_KILL, { parent_tid }, E_PERM },
		{ "child: abort foreign thread", SYS_IPC_ABORT, { parent_tid }, E_PERM },
		{ "child: grant foreign region", SYS_SHM_GRANT, { shm, parent_pid }, E_PERM },
		{ "child: map foreign region", SYS_SHM_MAP, { shm }, E_PERM },
		{ "child: free foreign region", SYS_SHM_FREE, { shm }, E_PERM },
	};

	run_rows(rows, ARRAY_LEN(rows));
}

static void check_foreign(void)
{
	long shm = shm_create(PAGE), va;

	CHECK_OK(shm);
	parent_tid = get_self().tid;
	in_child("foreign", run_foreign, shm);
	/* A grant needs no live grantee: fill the table with ids no process has. */
	for (long i = 0; i < SHM_GRANTS; i++)
		CHECK_EQ(shm_grant(shm, BIG_ID - i), 0);
	expect("shm_grant past SHM_GRANTS", SYS_SHM_GRANT, shm_grant(shm, BIG_ID - SHM_GRANTS), E_RANGE);
	va = shm_map(shm, NULL);
	expect("shm_map by the owner", SYS_SHM_MAP, va, NONNEG);
	if (va > 0)
		CHECK_EQ(shm_unmap((void *)va), 0);
	CHECK_EQ(shm_free(shm), 0);
}

/* A fork that must be refused; a wrongly forked child leaves at once. */
static void check_fork_refused(const char *name, long want)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit(1);
	if (pid > 0)
		wait_status(pid);
	expect(name, SYS_FORK, pid, want);
}

/* exec and fork refuse while another thread of the process is live. */
static void check_busy(void)
{
	long tid = thread_spawn(HART_ANY, spin_forever, 0);
	const struct row rows[] = {
		{ "exec with a live thread", SYS_EXEC,
		  { (long)spinner_path, sizeof(spinner_path) - 1 }, E_BUSY },
	};
	long v = -1;

	CHECK_OK(tid);
	run_rows(rows, ARRAY_LEN(rows));
	check_fork_refused("fork with a live thread", E_BUSY);
	CHECK_EQ(sys_thread_kill(tid), 0);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(v, EXIT_KILLED);
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

static long (*racing_call)(long);
static long racing_arg;
static volatile long raced[2];

static long race0(long unused)
{
	(void)unused;
	raced[0] = racing_call(racing_arg);
	return 0;
}

static long race1(long unused)
{
	(void)unused;
	raced[1] = racing_call(racing_arg);
	return 0;
}

/*
 * Two threads make the same blocking call (fn(arg)); returns the result of
 * the first to come back, the one that found the other already waiting.
 * Neither order nor hart is assumed: a yield does not make another hart's
 * thread run first, and the test thread itself never waits, so it cannot
 * be the one left waiting for a child that spins for ever (which hung this
 * test once in a few dozen bkl+lockdebug boots at 4 harts).
 */
static long race_second(long (*fn)(long), long arg, long tids[2])
{
	unsigned long hz, t0 = sys_clock(&hz);

	racing_call = fn;
	racing_arg = arg;
	raced[0] = raced[1] = UNSET;
	tids[0] = thread_spawn(HART_ANY, race0, 0);
	tids[1] = thread_spawn(HART_ANY, race1, 0);
	CHECK_OK(tids[0]);
	CHECK_OK(tids[1]);
	while (raced[0] == UNSET && raced[1] == UNSET) {
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("neither of two threads making the same wait came back");
		sys_yield();
	}
	return raced[0] != UNSET ? raced[0] : raced[1];
}

/* The other racer, once what it waits for is gone: its result. */
static long race_last(const long tids[2])
{
	CHECK_EQ(sys_thread_join(tids[0], NULL), 0);
	CHECK_EQ(sys_thread_join(tids[1], NULL), 0);
	return raced[0] == E_BUSY ? raced[1] : raced[0];
}

/* A second waiter for the same child, and a second joiner of the same thread, get E_BUSY. */
static void check_second_waiter(void)
{
	long child = sys_spawn(spinner_path, 0), target, tids[2];

	CHECK_OK(child);
	expect("wait with another waiter", SYS_WAIT, race_second(wait_for, child, tids), E_BUSY);
	CHECK_EQ(sys_kill(child), 0);
	CHECK_EQ(race_last(tids), EXIT_KILLED);

	target = thread_spawn(HART_ANY, spin_forever, 0);
	CHECK_OK(target);
	expect("thread_join with another joiner", SYS_THREAD_JOIN, race_second(join_for, target, tids),
	       E_BUSY);
	CHECK_EQ(sys_thread_kill(target), 0);
	CHECK_EQ(race_last(tids), EXIT_KILLED);
}

/* A thread with a timer armed or an interrupt bound may not move. */
static void run_notify_busy(long unused)
{
	struct uart_info u;

	(void)unused;
	CHECK_EQ(sys_timer(1000000000l, 0), 0);
	expect("thread_pin with a timer armed", SYS_THREAD_PIN, sys_thread_pin(0), E_BUSY);
	CHECK_EQ(sys_timer(0, 0), 0);
	sys_uart_info(&u);
	CHECK(u.irq > 0);
	CHECK_EQ(sys_irq_register(u.irq), 0);
	expect("irq_register twice", SYS_IRQ_REGISTER, sys_irq_register(u.irq), E_BUSY);
	expect("thread_pin with an interrupt bound", SYS_THREAD_PIN, sys_thread_pin(0), E_BUSY);
}

/* A program whose image the initrd holds but is no ELF; the child stays itself. */
static void run_exec_badelf(long unused)
{
	(void)unused;
	expect("exec not an ELF", SYS_EXEC, sys_exec(notelf_path), E_BADELF);
}

/* Every right dropped, one at a time where the order matters. */
static void run_dropped_rights(long unused)
{
	const struct row rows[] = {
		{ "devmem_map without R_DEVMEM", SYS_DEVMEM_MAP, { UART_PHYS, PAGE }, E_PERM },
		{ "poweroff without R_POWER", SYS_POWEROFF, { 0 }, E_PERM },
		{ "kill without R_KILL", SYS_KILL, { parent_pid }, E_PERM },
		{ "notify without R_NOTIFY", SYS_NOTIFY, { parent_pid, 1 }, E_PERM },
		{ "irq_register without R_IRQ", SYS_IRQ_REGISTER, { 10 }, E_PERM },
		{ "shm_create without R_SHM", SYS_SHM_CREATE, { PAGE }, E_PERM },
		{ "hold without R_HOLD", SYS_HOLD, { HOLD_KERNEL, 1 }, E_PERM },
	};
	long pid;

	(void)unused;
	CHECK_EQ(sys_rights(R_POWER), R_ALL & ~R_POWER);
	pid = sys_spawn(spinner_path, R_POWER);
	if (pid > 0)
		kill_server(pid);
	expect("spawn asking for a right the caller lacks", SYS_SPAWN, pid, E_PERM);
	/* kill and notify aim at the parent: the rights must be gone before the rows run. */
	CHECK_EQ(sys_rights(R_ALL), 0);
	run_rows(rows, ARRAY_LEN(rows));
	pid = sys_spawn(spinner_path, 0);
	if (pid > 0)
		kill_server(pid);
	expect("spawn without R_SPAWN", SYS_SPAWN, pid, E_PERM);
	check_fork_refused("fork without R_SPAWN", E_PERM);
}

static struct memhog hog;

/* Every call that allocates, with all memory taken; exec last, since it would replace us. */
static void run_nomem(long unused)
{
	long shm = shm_create(PAGE), r;

	(void)unused;
	CHECK_OK(shm);
	memhog_take(&hog, 0);
	expect("mem_alloc out of memory", SYS_MEM_ALLOC, sys_mem_alloc(PAGE), E_NOMEM);
	r = thread_spawn(HART_ANY, idle, 0);
	if (r > 0)
		CHECK_EQ(sys_thread_join(r, NULL), 0);
	expect("thread_create out of memory", SYS_THREAD_CREATE, r, E_NOMEM);
	r = sys_spawn(spinner_path, 0);
	if (r > 0)
		kill_server(r);
	expect("spawn out of memory", SYS_SPAWN, r, E_NOMEM);
	check_fork_refused("fork out of memory", E_NOMEM);
	expect("shm_create out of memory", SYS_SHM_CREATE, shm_create(PAGE), E_NOMEM);
	expect("shm_map out of memory", SYS_SHM_MAP, shm_map(shm, NULL), E_NOMEM);
	expect("devmem_map out of memory", SYS_DEVMEM_MAP, sys_devmem_map(UART_PHYS, PAGE), E_NOMEM);
	expect("exec out of memory", SYS_EXEC, sys_exec(spinner_path), E_NOMEM);
	memhog_give(&hog);
	CHECK_EQ(shm_free(shm), 0);
}

/*
 * A call maps the caller's activation into the callee, which needs a page
 * table for it, one per 2 MiB of the activation window (kept while the
 * callee lives). A server forked from us has a table only where our root
 * lies; a thread of ours whose slot is in another 2 MiB calls it with all
 * memory taken, so the table cannot be made: E_NOMEM, for each call. The
 * threads made to reach such a slot hold theirs until it is found.
 */
#define ACT_REGION(va)	(((long)(va) - (long)USER_ACT_BASE) >> 21)
#define PROBES		48

static long nomem_server, probe_region[PROBES];
/* Main to the probe: 1 call (memory is taken), 2 call again (it is back); the probe: 1 called. */
static volatile long probe_go, probe_done;

static long probe(long i)
{
	long here = 0, self = get_self().pid;
	char name[80];

	__atomic_store_n(&probe_region[i], ACT_REGION(&here), __ATOMIC_SEQ_CST);
	while (!probe_go)
		sys_yield();
	expect("ipc_req that needs a page table, out of memory", SYS_IPC_REQ,
	       call(nomem_server, CMD_NOOP, 0, 0, 0), E_NOMEM);
	for (size_t h = 0; h < ARRAY_LEN(hops); h++) {
		snprintf(name, sizeof(name), "%s that needs a page table, out of memory", docs[hops[h]].name);
		expect(name, hops[h], call(self, CMD_HOP, hops[h], nomem_server, CMD_NOOP), E_NOMEM);
	}
	probe_done = 1;
	/* A refused call changed nothing: with memory back the same call gets in. */
	while (probe_go != 2)
		sys_yield();
	expect("ipc_req once memory is back", SYS_IPC_REQ, call(nomem_server, CMD_NOOP, 0, 0, 0), 0);
	return 0;
}

static void run_ipc_nomem(long unused)
{
	long here = 0, tid[PROBES], n, v = -1;
	struct mstats quiet;
	static struct memhog h;

	(void)unused;
	nomem_server = fork_server(0);
	for (n = 0; n < PROBES; n++) {
		probe_region[n] = -1;
		tid[n] = thread_spawn(HART_ANY, probe, n);
		CHECK_OK(tid[n]);
		while (__atomic_load_n(&probe_region[n], __ATOMIC_SEQ_CST) < 0)
			sys_yield();
		if (probe_region[n] != ACT_REGION(&here))
			break;
	}
	if (n == PROBES)
		test_fail("no thread's slot left our root's 2 MiB in %d threads", PROBES);
	for (long i = 0; i < n; i++) {
		CHECK_EQ(sys_thread_kill(tid[i]), 0);
		CHECK_EQ(sys_thread_join(tid[i], &v), 0);
	}
	/* Their memory comes back after a grace period: all of it, before the hog takes the rest. */
	stats_snapshot(&quiet);
	memhog_take(&h, 0);
	probe_go = 1;
	while (!probe_done)
		sys_yield();
	memhog_give(&h);
	probe_go = 2;
	CHECK_EQ(sys_thread_join(tid[n], &v), 0);
	CHECK_EQ(v, 0);
	kill_server(nomem_server);
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

	test_start("badargs");
	CHECK_EQ(sys_rights(0), R_ALL);
	parent_pid = get_self().pid;
	warm_up();
	stats_snapshot(&start);
	check_buffers();
	check_values();
	check_mem_free();
	check_foreign();
	check_busy();
	check_second_waiter();
	check_ipc();
	check_aborts();
	check_exec_busy();
	in_child("notify busy", run_notify_busy, 0);
	in_child("exec badelf", run_exec_badelf, 0);
	in_child("dropped rights", run_dropped_rights, 0);
	in_child("out of memory", run_nomem, 0);
	in_child("calls out of memory", run_ipc_nomem, 0);
	check_coverage();
	if (failed)
		test_fail("%d rows failed (listed above)", failed);
	stats_settle(&start);
	test_pass();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The typed syscall table and the calls made from it: what kinds of
 * arguments each syscall takes, which results docs/syscalls.md allows it,
 * where the fuzzer may make it, and how a token becomes a value of a kind.
 */
#include "stress.h"

#define PAGE      4096l
#define KADDR     ((long)0xffffffc000000000ul)  /* the kernel half of Sv39 */
#define UNMAPPED  0x2fff000000l                 /* between device memory and shared regions */

#define BOTH      (IN_SVC | IN_DRIVER)

/* The image's end, from user/user.ld: no code lies at or above it. */
extern char _end[];

/*
 * Left out: the migration calls themselves (a raw ipc_resp would answer
 * the fuzzer's own caller) and notify_wait (it blocks until someone
 * signals). Calls that could end or block the driver run in services
 * only, where they end or refuse inside a callee (docs/ipc.md).
 */
const struct sysdesc sys_table[] = {
	{ "exit", SYS_EXIT, { A_WORD }, 0, IN_SVC | STABLE },
	{ "puts", SYS_PUTS, { A_TEXT, A_LEN }, OKV | ERR(E_FAULT) | ERR(E_RANGE), BOTH | STABLE },
	{ "poweroff", SYS_POWEROFF, { A_WORD }, ERR(E_PERM), IN_SVC | STABLE },
	{ "clock", SYS_CLOCK, { 0 }, OKV, BOTH | STABLE },
	{ "spawn", SYS_SPAWN, { A_ADDR, A_LEN, A_FLAGS },
	  OKV | ERR(E_PERM) | ERR(E_FAULT) | ERR(E_RANGE) | ERR(E_NOENT) | ERR(E_BADELF) |
	  ERR(E_NOMEM) | ERR(E_INVAL), BOTH | STABLE },
	{ "exec", SYS_EXEC, { A_ADDR, A_LEN },
	  ERR(E_INVAL) | ERR(E_FAULT) | ERR(E_RANGE) | ERR(E_NOENT) | ERR(E_BUSY), IN_SVC | STABLE },
	{ "fork", SYS_FORK, { 0 }, ERR(E_PERM) | ERR(E_BUSY), IN_SVC | STABLE },
	{ "kill", SYS_KILL, { A_PID }, OKV | ERR(E_NOENT) | ERR(E_PERM) | ERR(E_INVAL), IN_SVC | STABLE },
	{ "wait", SYS_WAIT, { A_PID },
	  OKV | ERR(E_NOENT) | ERR(E_PERM) | ERR(E_INVAL) | ERR(E_KILLED), IN_SVC | STABLE },
	{ "thread_create", SYS_THREAD_CREATE, { A_HART, A_CODE, A_WORD, A_WORD },
	  OKV | ERR(E_INVAL) | ERR(E_NOMEM), IN_SVC | STABLE },
	{ "thread_exit", SYS_THREAD_EXIT, { A_WORD }, ERR(E_PERM), IN_SVC | STABLE },
	{ "thread_kill", SYS_THREAD_KILL, { A_TID },
	  OKV | ERR(E_NOENT) | ERR(E_PERM) | ERR(E_INVAL), IN_SVC | STABLE },
	{ "thread_join", SYS_THREAD_JOIN, { A_TID },
	  OKV | ERR(E_NOENT) | ERR(E_PERM) | ERR(E_INVAL) | ERR(E_DEADLK) | ERR(E_KILLED),
	  IN_SVC | STABLE },
	{ "thread_pin", SYS_THREAD_PIN, { A_HART }, OKV | ERR(E_INVAL) | ERR(E_BUSY), BOTH | STABLE },
	{ "mem_alloc", SYS_MEM_ALLOC, { A_LEN },
	  OKV | ERR(E_INVAL) | ERR(E_RANGE) | ERR(E_NOMEM), BOTH | STABLE },
	{ "mem_free", SYS_MEM_FREE, { A_ADDR, A_LEN }, OKV | ERR(E_INVAL) | ERR(E_NOENT), BOTH | STABLE },
	{ "yield", SYS_YIELD, { 0 }, OKV, BOTH | STABLE },
	{ "stats", SYS_STATS, { 0 }, OKV, BOTH | STABLE },
	{ "self", SYS_SELF, { 0 }, OKV, BOTH | STABLE },
	{ "rights", SYS_RIGHTS, { A_FLAGS }, OKV | ERR(E_INVAL), IN_SVC | STABLE },
	{ "cmdline", SYS_CMDLINE, { A_ADDR, A_LEN }, OKV | ERR(E_FAULT) | ERR(E_RANGE), BOTH | STABLE },
	{ "devmem_map", SYS_DEVMEM_MAP, { A_ADDR, A_LEN }, ERR(E_PERM), IN_SVC | STABLE },
	{ "ipc_frame", SYS_IPC_FRAME, { A_LEN }, OKV | ERR(E_INVAL) | ERR(E_RANGE), BOTH | STABLE },
	{ "ipc_abort", SYS_IPC_ABORT, { A_TID },
	  OKV | ERR(E_INVAL) | ERR(E_NOENT) | ERR(E_PERM), BOTH | STABLE },
	{ "ipc_depth", SYS_IPC_DEPTH, { 0 }, OKV, BOTH | STABLE },
	{ "notify", SYS_NOTIFY, { A_PID, A_FLAGS },
	  OKV | ERR(E_PERM) | ERR(E_INVAL) | ERR(E_NOENT), BOTH | STABLE },
	{ "timer", SYS_TIMER, { A_WORD, A_WORD }, OKV | ERR(E_INVAL), IN_SVC },
	{ "irq_register", SYS_IRQ_REGISTER, { A_WORD }, ERR(E_PERM), IN_SVC | STABLE },
	{ "uart_info", SYS_UART_INFO, { 0 }, OKV, BOTH | STABLE },
	{ "shm_create", SYS_SHM_CREATE, { A_LEN },
	  OKV | ERR(E_PERM) | ERR(E_INVAL) | ERR(E_RANGE) | ERR(E_NOMEM) | ERR(E_KILLED), BOTH | STABLE },
	{ "shm_grant", SYS_SHM_GRANT, { A_SHMID, A_PID },
	  OKV | ERR(E_INVAL) | ERR(E_NOENT) | ERR(E_PERM) | ERR(E_RANGE), BOTH | STABLE },
	{ "shm_map", SYS_SHM_MAP, { A_SHMID },
	  OKV | ERR(E_INVAL) | ERR(E_NOENT) | ERR(E_PERM) | ERR(E_NOMEM), BOTH | STABLE },
	{ "shm_unmap", SYS_SHM_UNMAP, { A_ADDR }, OKV | ERR(E_INVAL) | ERR(E_NOENT), BOTH | STABLE },
	{ "shm_free", SYS_SHM_FREE, { A_SHMID },
	  OKV | ERR(E_INVAL) | ERR(E_NOENT) | ERR(E_PERM), BOTH | STABLE },
	{ "unknown", SYS_COUNT, { 0 }, ERR(E_NOSYS), BOTH | STABLE },
};
const unsigned sys_table_len = sizeof(sys_table) / sizeof(sys_table[0]);

/* Numbers at and above SYS_COUNT are all "unknown". */
const struct sysdesc *sys_find(long nr)
{
	for (unsigned i = 0; i < sys_table_len; i++)
		if (sys_table[i].nr == nr || (nr > SYS_COUNT && sys_table[i].nr == SYS_COUNT))
			return &sys_table[i];
	return NULL;
}

bool sys_allowed(const struct sysdesc *d, long result)
{
	if (result >= 0)
		return d->allowed & OKV;
	return result >= E_MIN && (d->allowed & ERR(result));
}

/* A path spawn accepts, so that the valid case is reached too. */
static const char good_path[] = "/svc_stress";

/* What a call needs cleaned up after it. */
struct undo {
	long shm;    /* a region made to have a valid id to pass */
};

/* Values every kind shares: the edges. Returns false for a resource class. */
static bool resolve_edge(unsigned cls, unsigned p, long *v)
{
	switch (cls) {
	case V_ZERO: *v = 0; return true;
	case V_ONE: *v = 1; return true;
	case V_NEG1: *v = -1; return true;
	case V_POW2: *v = (long)(1ul << p); return true;
	case V_POW2M1: *v = (long)((1ul << p) - 1); return true;
	case V_POW2P1: *v = (long)((1ul << p) + 1); return true;
	case V_SMALL: *v = p; return true;
	case V_TOP: *v = (long)((1ul << 63) | p); return true;
	case V_KADDR: *v = KADDR + p * 8; return true;
	case V_UNMAPPED: *v = UNMAPPED + p * PAGE; return true;
	}
	return false;
}

static long resolve_pid(const struct fuzz_ctx *c, unsigned cls, unsigned p)
{
	switch (cls) {
	case V_OTHER: return p & 1 ? c->lookup(L_SLOT + (p >> 1) % NSVC, 0) : c->lookup(L_INIT, 0);
	case V_DEAD: return c->lookup(L_DEAD_PID, 0);
	case V_ZOMBIE: return c->lookup(L_ZOMBIE_PID, 0);
	}
	return c->pid;
}

static long resolve_tid(const struct fuzz_ctx *c, unsigned cls, unsigned p)
{
	switch (cls) {
	case V_OTHER: return c->lookup(L_CLIENT_TID, p);
	case V_DEAD:
	case V_ZOMBIE: return c->lookup(L_DEAD_TID, 0);
	}
	return c->tid;
}

static long resolve_addr(const struct fuzz_ctx *c, unsigned cls, unsigned p)
{
	switch (cls) {
	case V_SELF: return (long)good_path;
	case V_OTHER: return (long)USER_TEXT;
	case V_DEAD: return (long)USER_TOP - p;
	case V_ZOMBIE: return (long)USER_HEAP + p * PAGE;
	case V_MISALIGNED: return (long)c->buf + 1 + p;
	}
	return (long)c->buf;
}

static long resolve_len(unsigned cls, unsigned p)
{
	switch (cls) {
	case V_SELF: return sizeof(good_path) - 1;
	case V_OTHER: return FUZZ_BUF;
	case V_DEAD: return PUTS_MAX + 1 + p;
	case V_ZOMBIE: return (long)MEM_ALLOC_MAX + p;
	case V_MISALIGNED: return PAGE + 1 + p;
	}
	return p ? p * 64 : (long)sizeof(good_path) - 1;
}

static long resolve_hart(const struct fuzz_ctx *c, unsigned cls, unsigned p)
{
	switch (cls) {
	case V_SELF: return HART_ANY;
	case V_OTHER: return c->harts;
	case V_DEAD:
	case V_ZOMBIE: return c->harts + p;
	}
	return p % c->harts;
}

static long resolve_shmid(unsigned cls, unsigned p, struct undo *u)
{
	if (cls == V_VALID || cls == V_SELF) {
		if (!u->shm)
			u->shm = shm_create((p + 1) * PAGE);
		return u->shm;
	}
	return cls == V_OTHER ? (1l << 32) | 1 : p + 1;
}

static bool in_image(long v)
{
	return (unsigned long)v >= USER_TEXT && (unsigned long)v < (unsigned long)_end;
}

/*
 * Code addresses must never land inside the image: a thread started in the
 * middle of our own code could run forever, or run main again.
 */
static long resolve_code(const struct fuzz_ctx *c, unsigned cls, long v, bool edge)
{
	if (!edge)
		return cls == V_OTHER ? KADDR : (long)c->thread_entry;
	return in_image(v) ? 0 : v;
}

/* Console text comes only from our buffer, which holds zeros or the command line. */
static long resolve_text(const struct fuzz_ctx *c, unsigned cls, unsigned p, long v, bool edge)
{
	if (edge)
		return in_image(v) ? KADDR : v;
	return (long)c->buf + (cls == V_MISALIGNED ? 1 + p : 0);
}

static long resolve(const struct fuzz_ctx *c, int kind, unsigned tok, struct undo *u)
{
	unsigned cls = TOKEN_CLASS(tok), p = TOKEN_PARAM(tok);
	long v = 0;
	bool edge = resolve_edge(cls, p, &v);

	if (kind == A_CODE)
		return resolve_code(c, cls, v, edge);
	if (kind == A_TEXT)
		return resolve_text(c, cls, p, v, edge);
	if (edge)
		return v;
	switch (kind) {
	case A_PID: return resolve_pid(c, cls, p);
	case A_TID: return resolve_tid(c, cls, p);
	case A_ADDR: return resolve_addr(c, cls, p);
	case A_LEN: return resolve_len(cls, p);
	case A_HART: return resolve_hart(c, cls, p);
	case A_SHMID: return resolve_shmid(cls, p, u);
	case A_FLAGS: return cls == V_OTHER ? R_ALL : cls == V_DEAD ? ~(long)R_ALL : (long)(p & R_ALL);
	}
	return cls == V_MISALIGNED ? (long)c->buf + 1 : p;
}

/*
 * Takes back what a successful call created, so the op leaves nothing
 * behind. A sibling client's fuzzed ipc_abort of our tid makes a blocked
 * wait or join return E_KILLED early (docs/ipc.md, "Capture"); giving up
 * then would leave a zombie child or thread behind, so it waits again.
 */
static void undo_call(long nr, long r, const long *a)
{
	long status;

	switch (nr) {
	case SYS_MEM_ALLOC: sys_mem_free((void *)r, (size_t)a[0]); break;
	case SYS_SHM_CREATE: shm_free(r); break;
	case SYS_SHM_MAP: shm_unmap((void *)r); break;
	case SYS_THREAD_CREATE:
		while (sys_thread_join(r, NULL) == E_KILLED)
			;
		break;
	case SYS_TIMER: sys_timer(0, 0); break;
	case SYS_SPAWN:
		sys_kill(r);
		while (sys_wait(r, &status) == E_KILLED)
			;
		break;
	}
}

long fuzz_call(const struct fuzz_ctx *c, const struct sysdesc *d, unsigned long tokens)
{
	struct undo u = { 0 };
	long a[6], nr = d->nr == SYS_COUNT ? SYS_COUNT + (long)TOKEN_PARAM(TOKEN(tokens, 0)) : d->nr;
	long r;

	for (int i = 0; i < 6; i++)
		a[i] = d->args[i] == A_NONE ? 0 : resolve(c, d->args[i], TOKEN(tokens, i), &u);
	r = sys_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (r >= 0)
		undo_call(nr, r, a);
	if (u.shm > 0)
		shm_free(u.shm);
	return r;
}

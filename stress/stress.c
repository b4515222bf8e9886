/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /init of the stress initrd: the fuzzer's driver (docs/stress.md).
 *
 * Command line: mode=load|diff|dump seed=S seconds=T, and for diff
 * progs=N len=L trace=1, for dump from=I (or from<c>=I per client)
 * count=N. A program
 * patched into prog_text (tools/stress.py) replaces the seed's ops.
 *
 * load: a client thread pinned to every hart runs its ops (a chain
 *   through the services, a kill, a signal, a shared region, or a syscall
 *   of the driver's own), and checks every result against the typed table
 *   and every reply's checksums. A reaper thread per service slot respawns
 *   its service when it dies. Every QUIESCE_S seconds, and at the end,
 *   everything stops, the services are killed, and stats must be back to
 *   the baseline taken before the first one started.
 * diff: one client runs `progs` short programs of `len` stable ops,
 *   respawning services itself, and prints a hash of each program's
 *   results; tools/stress.py compares the fine and bkl builds' hashes.
 * dump: prints ops [from, from+count) of every client, for the minimizer.
 *
 * Output: "STRESS hb" lines (every client's op count) every half second,
 * "STRESS progress" every two, "STRESS violation" at the first broken
 * invariant, and a closing "STRESS result"; then it powers off.
 */
#include "stress.h"

#include <stdarg.h>
#include <test.h>

#include <lib/fmt.h>

#define PROG_MAX    32768      /* bytes of patched program text */
#define PROG_OPS    128        /* ops per client in a patched program */
#define QUIESCE_S   10
#define HB_MS       500
#define PROGRESS_MS 2000

/*
 * tools/stress.py overwrites this marker and what follows with a program:
 * lines "<client> <op>" (stress/prog.c). It is data, never const, so the
 * bytes are in the ELF for the tool to find.
 */
static char prog_text[PROG_MAX] = "STRESS-PROG-MARKER";

static struct op prog[MAX_CLIENTS][PROG_OPS];
static long prog_len[MAX_CLIENTS];
static bool have_prog;

/* The table services resolve their arguments from (CMD_LOOKUP). */
static volatile long slot_pid[NSVC];
static volatile long client_tid[MAX_CLIENTS];
static long init_pid, dead_pid, zombie_pid, dead_tid;

static unsigned long seed;
static long harts, clients, seconds;
static char mode[8];

/* Set once; clients and reapers stop at their next op. */
static volatile int stop;
/* While set, clients and reapers park (quiescent points). */
static volatile int paused;
static volatile long parked_clients, parked_reapers, reapers_done;
static volatile int violated;

struct counts {
	long calls, ok, errs, hops;
} __attribute__((aligned(64)));
static struct counts counts[MAX_CLIENTS];
static volatile long progress[MAX_CLIENTS];
static long respawns;

static char bufs[MAX_CLIENTS][FUZZ_BUF] __attribute__((aligned(4096)));

/* ---------------------------------------------------------------- lookups */

static long lookup(long what, long index)
{
	switch (what) {
	case L_DEAD_PID: return dead_pid;
	case L_ZOMBIE_PID: return zombie_pid;
	case L_DEAD_TID: return dead_tid;
	case L_CLIENT_TID: return client_tid[(unsigned long)index % (unsigned long)clients];
	case L_INIT: return init_pid;
	}
	if (what >= L_SLOT && what < L_SLOT + NSVC)
		return slot_pid[what - L_SLOT];
	return 0;
}

/* The driver serves lookups only; services find each other through it. */
void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d3;
	if ((d0 & 0xff) == CMD_LOOKUP)
		ipc_resp(lookup(d1, d2), 0, 0, 0);
	ipc_resp(0, 0, 0, 0);
}

/* ---------------------------------------------------------------- checking */

static void print_heartbeat(void);

/* Prints the first violation; the run ends after it, so the reproducer is its op. */
__attribute__((format(printf, 4, 5)))
static void violation(long client, long index, const struct op *op, const char *fmt, ...)
{
	char what[256], text[128];
	va_list ap;

	if (__atomic_exchange_n(&violated, 1, __ATOMIC_ACQ_REL))
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	op_format(op, text, sizeof(text));
	printf("STRESS violation client=%ld op=%ld (%s): %s\n", client, index, text, what);
	/* Where every client was: the minimizer starts from the ops before this. */
	print_heartbeat();
	stop = 1;
}

/* Whose result is what: for the violation message and the diff trace. */
struct outcome {
	long status;    /* of the op's own call */
	long tag;       /* 0 none, 1 TAG_OK, 2 TAG_ERR */
	long result;    /* a code the op reported, or 0 for any value >= 0 */
	const char *bad;
	long pid;       /* who answered a migration (0 for other ops): the diff trace holds it */
};

static long code_of(long v)
{
	return v < 0 ? v : 0;
}

static bool words_zero(const struct ipc_reply *r)
{
	return !r->d[0] && !r->d[1] && !r->d[2] && !r->d[3];
}

/* Inner hops fail only the ways a migration may (docs/ipc.md). */
static bool inner_allowed(long st)
{
	return st == E_NOENT || st == E_DIED || st == E_DEPTH || st == E_INVAL || st == E_BUSY ||
	       st == E_NOMEM;
}

/*
 * Checks one chain call's status and reply: the status is one docs/ipc.md
 * allows for how it was made, a refused call changed nothing, and a reply
 * is the chain's own (both checksums) with a result the term allows.
 */
/* Tails and kicks replace their frame; reqs and fwds add one. */
static long chain_depth(unsigned long hops)
{
	long depth = 1;

	for (unsigned long i = 1; i < HOPS_N(hops); i++)
		depth += HOP_KIND(hops, i) == H_REQ || HOP_KIND(hops, i) == H_FWD;
	return depth;
}

static void check_chain(struct outcome *o, long kind, long pid, long term, long nr,
			const unsigned long w[4], long st, const struct ipc_reply *r)
{
	unsigned long sum = mix(w[1], w[2]);
	const struct sysdesc *d;

	o->status = st;
	o->pid = r->pid;
	if (kind != H_REQ || pid <= 0) {
		if (st != E_INVAL || r->pid || !words_zero(r))
			o->bad = "a call from the root that must be refused was not (E_INVAL, nothing changed)";
		return;
	}
	/*
	 * E_BUSY: the callee is in the middle of an exec (a SIG_EXEC signal);
	 * E_NOMEM: no page for the table our frame needed there (docs/ipc.md).
	 */
	if (st == E_NOENT || st == E_DEPTH || st == E_DIED || st == E_ABORTED || st == E_BUSY ||
	    st == E_NOMEM) {
		if (!words_zero(r) || (st == E_DIED ? r->pid <= 0 : st != E_ABORTED && r->pid))
			o->bad = "a failed call's reply is not {pid, zero words}";
		return;
	}
	if (st != 0) {
		o->bad = "status not allowed for a migration";
		return;
	}
	if ((unsigned long)r->d[3] != mix(w[2], (unsigned long)(r->d[1] ^ r->d[2])) || r->pid <= 0) {
		o->bad = "reply checksum wrong: not our reply";
		return;
	}
	if ((unsigned long)r->d[0] == (TAG_ERR ^ sum)) {
		o->tag = 2;
		o->result = r->d[1];
		if (!inner_allowed(r->d[1]))
			o->bad = "an inner hop failed with a status not allowed";
		return;
	}
	if ((unsigned long)r->d[0] != (TAG_OK ^ sum)) {
		o->bad = "reply checksum wrong: not our request's";
		return;
	}
	o->tag = 1;
	o->result = code_of(r->d[1]);
	if ((unsigned long)r->d[2] >> REPORT_SHIFT) {
		o->bad = (unsigned long)r->d[2] & REPORT_FORK
				 ? "a service's fork step: its child did not answer, or did not exit 0"
				 : "a notification handler's tail, fwd or kick was not refused with E_INVAL";
		return;
	}
	switch (term) {
	case T_FUZZ:
		d = sys_find(nr);
		if (!d || !sys_allowed(d, r->d[1]))
			o->bad = "syscall result not in its table entry";
		break;
	case T_SIGNAL:
		if (!sys_allowed(sys_find(SYS_NOTIFY), r->d[1]))
			o->bad = "notify result not allowed";
		break;
	case T_FAULT:
	case T_EXIT:
		o->bad = "a service that faulted or exited answered";
		break;
	case T_SHM:
		break;
	case T_TIMER:
		if ((unsigned long)r->d[1] > 1 || r->d[2])
			o->bad = "a timer step answered other than {fired, 0}";
		break;
	case T_TMAKE:
	case T_THIT:
		if (r->d[1] == RACE_BAD || r->d[2])
			o->bad = "a raced thread_create, or a kill or abort at a guessed tid, gave a code not allowed";
		break;
	case T_SHMHIT:
		if (!(r->d[1] == 0 || r->d[1] == E_NOENT || r->d[1] == E_PERM || r->d[1] == E_INVAL ||
		      r->d[1] == E_NOMEM) || r->d[2])
			o->bad = "mapping a region being freed failed a way not allowed";
		break;
	case T_RESP:
		if (r->d[1] || r->d[2] != chain_depth(D0_HOPS(w[0])))
			o->bad = "the last hop's ipc_depth is not the chain's depth";
		break;
	default:
		if (r->d[1] || r->d[2])
			o->bad = "a plain answer carried a result";
	}
}

/* ---------------------------------------------------------------- ops */

static long call_kind(long kind, long pid, const unsigned long w[4], struct ipc_reply *r)
{
	long d0 = (long)w[0], d1 = (long)w[1], d2 = (long)w[2], d3 = (long)w[3];

	switch (kind) {
	case H_FWD: return ipc_fwd(pid, d0, d1, d2, d3, r);
	case H_TAIL: return ipc_tail(pid, d0, d1, d2, d3, r);
	case H_KICK: return ipc_kick(pid, d0, d1, d2, d3, r);
	}
	return ipc_req(pid, d0, d1, d2, d3, r);
}

/* A minimizer may have zeroed any field: every value must still make a valid op. */
static unsigned long fix_hops(unsigned long hops)
{
	unsigned long n = HOPS_N(hops);

	return (hops & ~7ul) | (n < 1 ? 1 : n > HOPS_MAX ? HOPS_MAX : n);
}

static void run_chain(struct outcome *o, long c, const struct op *op, unsigned long nonce)
{
	unsigned long hops = fix_hops(op->a[0]);
	long term = (long)(op->a[1] % T_COUNT), nr = (long)(op->a[2] & 0xff);
	long kind = HOP_KIND(hops, 0), pid = slot_pid[HOP_SLOT(hops, 0) % NSVC];
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	unsigned long w[4];
	long st;

	if (term == T_SHM)
		term = T_RESP;
	w[0] = (unsigned long)CHAIN_D0(term, nr, hops);
	w[1] = op->a[3] & ((1ul << 60) - 1);
	w[2] = nonce;
	w[3] = term == T_TIMER ? HOP_BITS(op->a[4] & 3, (op->a[4] >> 2) & 7) : op->a[4];
	st = call_kind(kind, pid, w, &r);
	check_chain(o, kind, pid, term, nr, w, st, &r);
	if (st == 0)
		counts[c].hops += (long)HOPS_N(hops);
}

static void run_kill(struct outcome *o, const struct op *op)
{
	long pid = slot_pid[op->a[0] % NSVC];

	o->status = sys_kill(pid);
	if (!(o->status == 0 || o->status == E_NOENT || (pid <= 0 && o->status == E_INVAL)))
		o->bad = "kill of our own child not 0 or E_NOENT";
}

/*
 * After SIG_EXEC the service's new image knows no driver: set it up again
 * once it has exec'd (its CMD_SETUP answer says the image was fresh), or
 * give up after a while (exec refused, or the service died). Calls made
 * meanwhile, ours and other clients', race the exec: E_BUSY.
 */
static void setup_after_exec(struct outcome *o, long pid)
{
	struct ipc_reply r;
	long st;

	for (int i = 0; i < 64; i++) {
		st = ipc_req(pid, CMD_SETUP, init_pid, 0, 0, &r);
		if (st == 0 && r.d[0] != (long)PING_TAG) {
			o->bad = "a service's setup answer is not its own";
			return;
		}
		if ((st == 0 && r.d[1] == 0) || (st && st != E_BUSY))
			return;
		sys_yield();
	}
}

static void run_signal(struct outcome *o, const struct op *op)
{
	long pid = slot_pid[op->a[0] % NSVC];

	o->status = sys_notify(pid, op->a[1]);
	if (!(o->status == 0 || o->status == E_NOENT ||
	      ((pid <= 0 || !op->a[1]) && o->status == E_INVAL)))
		o->bad = "notify result not allowed";
	if (o->status == 0 && SIG_ACTS(op->a[1]) && (op->a[1] & SIG_EXEC))
		setup_after_exec(o, pid);
}

/* Region sizes: mostly a few pages, sometimes the edges (0, over SHM_MAX). */
static long shm_size(unsigned long tok)
{
	switch (TOKEN_CLASS(tok)) {
	case V_ZERO: return 0;
	case V_TOP: return (long)SHM_MAX + 1;
	case V_NEG1: return -1;
	case V_POW2: return 1l << (TOKEN_PARAM(tok) % 21);
	}
	return (long)(1 + TOKEN_PARAM(tok) % 16) * 4096;
}

/* One request into slot's service with term and d3, checked as a chain of one hop. */
static void call_term(struct outcome *o, long c, long slot, long term, unsigned long d3,
		      unsigned long nonce)
{
	long pid = slot_pid[slot], st;   /* once: a reaper may replace it meanwhile */
	unsigned long w[4] = { (unsigned long)CHAIN_D0(term, 0, 1 | (unsigned long)slot << 5), 0,
			       nonce, d3 };
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };

	st = ipc_req(pid, (long)w[0], 0, (long)w[2], (long)w[3], &r);
	check_chain(o, H_REQ, pid, term, 0, w, st, &r);
	if (st == 0)
		counts[c].hops++;
}

/* The region a client shares for hitters (SHM_PUBLISH), or 0. */
static volatile long published_shm;

/*
 * Hits the published region, which its owner may be unmapping and
 * freeing right now: through a service (T_SHMHIT), or by mapping it here.
 */
static void run_shm_hit(struct outcome *o, long c, const struct op *op, unsigned long nonce)
{
	long id = published_shm, va;

	if (!id) {
		sys_yield();
		return;
	}
	if (op->a[1] & 1) {
		va = shm_map(id, NULL);
		o->status = va;
		if (va >= 0)
			shm_unmap((void *)va);
		else if (va != E_NOENT && va != E_NOMEM)
			o->bad = "mapping our own published region failed a way not allowed";
		return;
	}
	call_term(o, c, (long)(op->a[0] % NSVC), T_SHMHIT, (unsigned long)id, nonce);
}

/*
 * Shares a region with a service: we write eight words, it checks them
 * and writes eight more, which we check after its reply. A fresh region
 * reads zero: anything else is a page some earlier region still had
 * mapped when it was freed. A published region is hit by other clients
 * (run_shm_hit) while we free it, before or after our own unmap.
 */
static void run_shm(struct outcome *o, long c, const struct op *op, unsigned long nonce)
{
	long slot = (long)(op->a[0] % NSVC), size;
	long id, pid = slot_pid[slot], va, st;
	unsigned long w[4], hops = 1 | (unsigned long)slot << 5, how = op->a[2];
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	volatile unsigned long *m;

	if (how & SHM_HIT) {
		run_shm_hit(o, c, op, nonce);
		return;
	}
	size = shm_size(op->a[1]);
	id = shm_create((unsigned long)size);
	o->status = id;
	if (id < 0) {
		if (!sys_allowed(sys_find(SYS_SHM_CREATE), id) || id == E_PERM)
			o->bad = "shm_create result not allowed";
		return;
	}
	for (int i = 0; i < NSVC; i++)
		shm_grant(id, slot_pid[i]);
	va = shm_map(id, NULL);
	if (va < 0) {
		o->status = va;
		o->bad = "the owner could not map its own region";
		shm_free(id);
		return;
	}
	m = (volatile unsigned long *)va;
	for (int i = 0; i < 32; i++)
		if (m[i])
			o->bad = "a fresh region is not zero: a page was reused while still mapped";
	for (int i = 0; i < 16; i++)
		m[i] = i < 8 ? mix(nonce, (unsigned long)i) : 0;
	if (how & SHM_PUBLISH)
		published_shm = id;
	w[0] = (unsigned long)CHAIN_D0(T_SHM, 0, hops);
	w[1] = 0;
	w[2] = nonce;
	w[3] = (unsigned long)id;
	st = ipc_req(pid, (long)w[0], 0, (long)w[2], (long)w[3], &r);
	check_chain(o, H_REQ, pid, T_SHM, 0, w, st, &r);
	if (!o->bad && o->tag == 1 && r.d[1] == 0) {
		for (int i = 0; i < 8; i++)
			if (m[8 + i] != (mix(nonce, (unsigned long)i) ^ 1))
				o->bad = "the service's writes to the region did not arrive";
		if (r.d[2])
			o->bad = "the service read other words than we wrote";
	} else if (!o->bad && o->tag == 1 && r.d[1] != E_PERM && r.d[1] != E_NOENT &&
		   r.d[1] != E_NOMEM) {
		o->bad = "shm_map in the service failed a way not allowed";
	}
	if (st == 0)
		counts[c].hops++;
	if (how & SHM_FREE_FIRST) {
		shm_free(id);
		shm_unmap((void *)va);
	} else {
		shm_unmap((void *)va);
		shm_free(id);
	}
	__atomic_compare_exchange_n(&published_shm, &id, 0, false, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
}

static void run_sys(struct outcome *o, long c, const struct op *op)
{
	const struct sysdesc *d = sys_find((long)(op->a[2] & 0xff));
	struct fuzz_ctx ctx = { init_pid, client_tid[c], harts, bufs[c], lookup, NULL };

	if (!d || !(d->where & IN_DRIVER))
		return;
	o->status = fuzz_call(&ctx, d, op->a[3]);
	o->result = code_of(o->status);
	if (!sys_allowed(d, o->status))
		o->bad = "syscall result not in its table entry";
}

/* The driver's race on pids: spawns raced by calls, kills and signals. */
static struct race pid_race;

/* The status a hit or raced spawn gave that was not allowed, for the violation message. */
static volatile long race_bad_status;

static long race_verdict(bool ok, long st)
{
	if (ok)
		return st;
	race_bad_status = st;
	return RACE_BAD;
}

/* One raced spawn: the child is killed and waited for at once. */
static long make_proc(unsigned long rights)
{
	long pid = sys_spawn("/svc_stress", (long)(rights & R_ALL)), status;

	if (!sys_allowed(sys_find(SYS_SPAWN), pid))
		return race_verdict(false, pid);
	if (pid > 0) {
		sys_kill(pid);
		while (sys_wait(pid, &status) == E_KILLED)
			;
	}
	return pid;
}

/*
 * One call, kill or signal at a guessed pid, and the codes each may give
 * (E_ABORTED: a sibling client's fuzzed ipc_abort of our thread).
 */
static long hit_proc(long kind, long pid)
{
	struct ipc_reply r;
	long st;

	switch (kind) {
	case RK_HIT_CALL:
		st = ipc_req(pid, CMD_PING, 3, 0, 0, &r);
		if (st == 0)
			return race_verdict(r.d[0] == (long)(PING_TAG ^ 3ul), r.d[0]);
		return race_verdict(st == E_NOENT || st == E_DIED || st == E_BUSY || st == E_DEPTH ||
					    st == E_ABORTED, st);
	case RK_HIT_KILL:
		st = sys_kill(pid);
		return race_verdict(st == 0 || st == E_NOENT || st == E_PERM, st);
	}
	st = sys_notify(pid, 1);
	return race_verdict(st == 0 || st == E_NOENT, st);
}

/* A wrong guess must not kill the driver itself. */
static bool is_init(long pid)
{
	return pid == init_pid;
}

/*
 * Pids are raced here; tids in a service (T_TMAKE, T_THIT), since a
 * thread can only be killed or aborted from its own process, and threads
 * made here would leave the driver's activation window tables grown.
 */
static void run_race(struct outcome *o, long c, const struct op *op, unsigned long nonce)
{
	long kind = (long)(op->a[0] % RK_COUNT);

	if (kind == RK_MAKE_PROC) {
		o->status = race_make(&pid_race, make_proc, op->a[1]);
	} else if (kind == RK_HIT_CALL || kind == RK_HIT_KILL || kind == RK_HIT_NOTIFY) {
		o->status = race_hit(&pid_race, hit_proc, kind, is_init);
	} else {
		call_term(o, c, (long)(op->a[2] % 2), kind == RK_MAKE_THREAD ? T_TMAKE : T_THIT,
			  (unsigned long)kind, nonce);
		return;
	}
	if (o->status == RACE_BAD) {
		o->result = race_bad_status;
		o->bad = "a raced spawn, or a call, kill or signal at a guessed pid, gave a code (or a "
			 "reply word, the result) not allowed";
	}
}

/* Runs one op and checks it; returns the outcome's trace word. */
static unsigned long run_op(long c, long index, const struct op *op, unsigned long nonce)
{
	struct outcome o = { 0, 0, 0, NULL, 0 };
	char what[160];

	switch (op->kind) {
	case OP_CHAIN: run_chain(&o, c, op, nonce); break;
	case OP_KILL: run_kill(&o, op); break;
	case OP_SIGNAL: run_signal(&o, op); break;
	case OP_SHM: run_shm(&o, c, op, nonce); break;
	case OP_SYS: run_sys(&o, c, op); break;
	case OP_RACE: run_race(&o, c, op, nonce); break;
	}
	counts[c].calls++;
	if (o.status >= 0 && (o.tag != 2 && o.result >= 0))
		counts[c].ok++;
	else
		counts[c].errs++;
	if (o.bad) {
		snprintf(what, sizeof(what), "%s (status %ld, tag %ld, result %ld)", o.bad, o.status,
			 o.tag, o.result);
		violation(c, index, op, "%s", what);
	}
	return (unsigned long)(code_of(o.status) & 0xff) | (unsigned long)o.tag << 8 |
	       (unsigned long)(o.result & 0xff) << 16 | (unsigned long)(o.pid & 0xffff) << 24;
}

/* ---------------------------------------------------------------- services */

/* Spawns slot i's service and tells it who we are; the pid is public at once. */
static long spawn_slot(long i)
{
	struct ipc_reply r;
	long pid = sys_spawn("/svc_stress", R_SHM | R_NOTIFY | R_SPAWN);

	race_note(&pid_race, pid);
	if (pid < 0)
		return pid;
	slot_pid[i] = pid;
	if (ipc_req(pid, CMD_SETUP, init_pid, 0, 0, &r) == 0 && r.d[0] != (long)PING_TAG)
		violation(-1, 0, &(struct op){ OP_KILL, { (unsigned long)i } }, "setup reply %lx",
			  r.d[0]);
	return pid;
}

static void park(volatile long *count)
{
	__atomic_fetch_add(count, 1, __ATOMIC_ACQ_REL);
	while (paused && !stop)
		sys_yield();
	__atomic_fetch_sub(count, 1, __ATOMIC_ACQ_REL);
}

/* Keeps slot i served: spawn, wait for the death, spawn again. */
static long reaper(long i)
{
	long status, pid;

	while (!stop) {
		if (paused) {
			park(&parked_reapers);
			continue;
		}
		pid = spawn_slot(i);
		if (pid < 0) {
			sys_yield();
			continue;
		}
		sys_wait(pid, &status);
		slot_pid[i] = 0;
		__atomic_fetch_add(&respawns, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&reapers_done, 1, __ATOMIC_ACQ_REL);
	return 0;
}

/* Kills every service until the reapers have seen them die. */
static void kill_services(volatile long *settled, long want)
{
	while (*settled < want) {
		for (int i = 0; i < NSVC; i++)
			if (slot_pid[i] > 0)
				sys_kill(slot_pid[i]);
		sys_yield();
	}
}

/* ---------------------------------------------------------------- clients */

static void pin_to(long hart)
{
	struct mself me;

	sys_self(&me);
	if (me.hart != hart)
		sys_thread_pin(hart);
}

static const struct gen_opts load_opts = { false, IN_SVC | IN_DRIVER };
static const struct gen_opts stable_opts = { true, IN_SVC | IN_DRIVER };

static void op_at(struct op *op, long c, long i, const struct gen_opts *o)
{
	if (have_prog)
		*op = prog[c][i % prog_len[c]];
	else
		op_generate(op, seed, c, i, o);
}

static long client(long c)
{
	struct op op;

	pin_to(c);
	for (long i = 0; !stop; i++) {
		if (paused) {
			park(&parked_clients);
			i--;
			continue;
		}
		if (have_prog && !prog_len[c])
			break;
		op_at(&op, c, i, &load_opts);
		run_op(c, i, &op, mix(seed ^ (unsigned long)c, (unsigned long)i));
		progress[c] = i + 1;
		pin_to(c);
	}
	while (!stop)
		sys_yield();
	return 0;
}

/* ---------------------------------------------------------------- setup */

static long thread_done(long v)
{
	return v;
}

/* The special values tokens resolve to: a dead pid and tid, and a zombie. */
static void make_specials(void)
{
	long status;

	dead_pid = sys_spawn("/svc_stress", 0);
	sys_kill(dead_pid);
	sys_wait(dead_pid, &status);
	dead_tid = thread_spawn(HART_ANY, thread_done, 0);
	sys_thread_join(dead_tid, NULL);
	/* Killed and never waited for: it stays a zombie child of ours. */
	zombie_pid = sys_spawn("/svc_stress", 0);
	sys_kill(zombie_pid);
}

/*
 * Waits as a test's stats_settle does (user/test.c: counts that still move,
 * epoch-deferred frees included, are not yet a leak); a violation if they
 * stop short of want.
 */
static void check_quiescent(const struct mstats *want, const char *when)
{
	struct mstats now;

	if (stats_wait_settled(want, &now))
		return;
	violation(-1, 0, &(struct op){ 0 },
		  "%s: stats free_pages %ld want %ld, procs %ld want %ld, threads %ld want %ld", when,
		  now.free_pages, want->free_pages, now.procs, want->procs, now.threads,
		  want->threads);
}

static void wait_parked(volatile long *n, long want)
{
	while (*n < want && !stop)
		sys_yield();
}

/* Stops everything, kills the services, and compares stats with the baseline. */
static void quiesce(const struct mstats *base)
{
	printf("STRESS quiesce begin\n");
	paused = 1;
	wait_parked(&parked_clients, clients);
	if (!stop)
		kill_services(&parked_reapers, NSVC);
	if (!stop)
		check_quiescent(base, "quiescent point");
	paused = 0;
	printf("STRESS quiesce end\n");
}

static long total(long (*field)(const struct counts *))
{
	long n = 0;

	for (long c = 0; c < MAX_CLIENTS; c++)
		n += field(&counts[c]);
	return n;
}

static long f_calls(const struct counts *k) { return k->calls; }
static long f_ok(const struct counts *k) { return k->ok; }
static long f_errs(const struct counts *k) { return k->errs; }
static long f_hops(const struct counts *k) { return k->hops; }

static void print_result(long secs)
{
	printf("STRESS result mode=%s seed=%lu harts=%ld seconds=%ld calls=%ld ok=%ld errs=%ld "
	       "migrations=%ld respawns=%ld violations=%d\n",
	       mode, seed, harts, secs, total(f_calls), total(f_ok), total(f_errs), total(f_hops),
	       respawns, violated);
}

static void print_heartbeat(void)
{
	char line[PRINTF_MAX];
	int n = snprintf(line, sizeof(line), "STRESS hb");

	for (long c = 0; c < clients && n < (int)sizeof(line) - 24; c++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %ld", progress[c]);
	printf("%s\n", line);
}

static void print_progress(unsigned long ms, long *last_hops, unsigned long *last_ms)
{
	struct mstats s;
	long hops = total(f_hops);

	sys_stats(&s);
	printf("STRESS progress t=%lu calls=%ld migrations/s=%ld procs=%ld\n", ms / 1000,
	       total(f_calls), ms > *last_ms ? (hops - *last_hops) * 1000 / (long)(ms - *last_ms) : 0,
	       s.procs);
	*last_hops = hops;
	*last_ms = ms;
}

/* ---------------------------------------------------------------- modes */

static void run_load(void)
{
	long tids[MAX_CLIENTS + NSVC];
	struct mstats base0, base;
	unsigned long hz, t0, ms, next_hb = 0, next_progress = PROGRESS_MS;
	unsigned long next_quiesce = QUIESCE_S * 1000, last_ms = 0;
	long last_hops = 0, n = 0;

	stats_snapshot(&base0);
	paused = 1;
	for (long c = 0; c < clients; c++)
		client_tid[c] = tids[n++] = thread_spawn(c, client, c);
	for (long i = 0; i < NSVC; i++)
		tids[n++] = thread_spawn(HART_ANY, reaper, i);
	/* Root frames are taken; calls into us (lookups) need little. */
	ipc_frame(4096);
	wait_parked(&parked_clients, clients);
	wait_parked(&parked_reapers, NSVC);
	stats_snapshot(&base);
	paused = 0;
	t0 = sys_clock(&hz);
	for (;;) {
		ms = (sys_clock(NULL) - t0) * 1000 / hz;
		if (stop || ms >= (unsigned long)seconds * 1000)
			break;
		if (ms >= next_hb) {
			print_heartbeat();
			next_hb += HB_MS;
		}
		if (ms >= next_progress) {
			print_progress(ms, &last_hops, &last_ms);
			next_progress += PROGRESS_MS;
		}
		if (ms >= next_quiesce) {
			quiesce(&base);
			next_quiesce += QUIESCE_S * 1000;
		}
		sys_yield();
	}
	if (violated) {
		print_result(seconds);
		return;
	}
	quiesce(&base);
	printf("STRESS quiesce begin\n");
	paused = 1;
	stop = 1;
	kill_services(&reapers_done, NSVC);
	for (long i = 0; i < n; i++)
		sys_thread_join(tids[i], NULL);
	if (!violated)
		check_quiescent(&base0, "after the clients and reapers were joined");
	print_heartbeat();
	print_result(seconds);
}

/*
 * diff mode respawns synchronously, so that every op sees the same
 * services. A service that does not answer is replaced even if it lives:
 * a fuzzed ipc_frame can make it too big to call (E_DEPTH), and waiting
 * for one that never dies would hang.
 */
static void reap_dead_slots(void)
{
	struct ipc_reply r;
	long status;

	for (long i = 0; i < NSVC; i++) {
		if (slot_pid[i] > 0 && ipc_req(slot_pid[i], CMD_PING, 0, 0, 0, &r) == 0)
			continue;
		if (slot_pid[i] > 0) {
			sys_kill(slot_pid[i]);
			sys_wait(slot_pid[i], &status);
		}
		slot_pid[i] = 0;
		spawn_slot(i);
	}
}

static void run_diff(void)
{
	long progs = test_arg("progs", 2000), len = test_arg("len", 12);
	bool trace = test_arg("trace", 0);
	char line[PRINTF_MAX];
	struct mstats base;
	struct op op;
	char text[128];
	long status;

	struct mself me;

	sys_self(&me);
	client_tid[0] = me.tid;
	ipc_frame(4096);
	stats_snapshot(&base);
	for (long p = 0; p < progs && !stop; p++) {
		unsigned long h = 0, pseed = mix(seed, (unsigned long)p);
		int n = 0;

		line[0] = '\0';
		reap_dead_slots();
		for (long i = 0; i < len && !stop; i++) {
			unsigned long w;

			op_generate(&op, pseed, 0, i, &stable_opts);
			w = run_op(0, p * len + i, &op, mix(pseed, (unsigned long)i));
			h = mix(h, w);
			/* Every call's result, so that a difference names its call. */
			if (n < (int)sizeof(line) - 24)
				n += snprintf(line + n, sizeof(line) - (size_t)n, " %lx", w);
			if (trace) {
				op_format(&op, text, sizeof(text));
				printf("STRESS call %ld %ld %s -> %lx\n", p, i, text, w);
			}
			reap_dead_slots();
		}
		printf("STRESS trace %ld %lx%s\n", p, h, line);
		progress[0] = p + 1;
	}
	for (long i = 0; i < NSVC; i++) {
		if (slot_pid[i] > 0) {
			sys_kill(slot_pid[i]);
			sys_wait(slot_pid[i], &status);
		}
	}
	if (!violated)
		check_quiescent(&base, "end");
	print_result(0);
}

/* Client c's ops start at from<c>= if given, else at from=. */
static void run_dump(void)
{
	long from = test_arg("from", 0), count = test_arg("count", 64);
	char text[128], key[16];
	struct op op;

	for (long c = 0; c < clients; c++) {
		snprintf(key, sizeof(key), "from%ld", c);
		for (long i = test_arg(key, from); i < test_arg(key, from) + count; i++) {
			op_generate(&op, seed, c, i, &load_opts);
			op_format(&op, text, sizeof(text));
			printf("STRESS op %ld %s\n", c, text);
		}
	}
}

/* Lines "<client> <op>"; a bad line ends the program there. */
static void load_prog(void)
{
	const char *p = prog_text;
	unsigned long c;
	struct op op;

	/* Programs start with a client number; the marker does not. */
	if (*p < '0' || *p > '9')
		return;
	have_prog = true;
	for (;;) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (*p < '0' || *p > '9')
			return;
		c = 0;
		while (*p >= '0' && *p <= '9')
			c = c * 10 + (unsigned long)(*p++ - '0');
		if (!op_parse(&p, &op) || c >= MAX_CLIENTS || prog_len[c] == PROG_OPS)
			return;
		prog[c][prog_len[c]++] = op;
	}
}

int main(void)
{
	struct mself me;
	char text[24];

	sys_self(&me);
	init_pid = me.pid;
	harts = test_harts();
	clients = harts < MAX_CLIENTS ? harts : MAX_CLIENTS;
	seconds = test_arg("seconds", 10);
	if (test_arg_str("seed", text, sizeof(text)) > 0)
		for (const char *p = text; *p >= '0' && *p <= '9'; p++)
			seed = seed * 10 + (unsigned long)(*p - '0');
	if (test_arg_str("mode", mode, sizeof(mode)) <= 0)
		memcpy(mode, "load", 5);
	load_prog();
	make_specials();
	printf("STRESS start mode=%s seed=%lu harts=%ld seconds=%ld program=%s\n", mode, seed,
	       harts, seconds, have_prog ? "patched" : "seed");
	if (strcmp(mode, "diff") == 0)
		run_diff();
	else if (strcmp(mode, "dump") == 0)
		run_dump();
	else
		run_load();
	sys_poweroff(violated ? 1 : 0);
	return 1;
}

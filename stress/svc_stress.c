/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stress service (docs/stress.md). Every call is a hop of a chain
 * (CMD_CHAIN): it either passes the chain on to the next hop with the hop's
 * kind (req, fwd, tail, kick), or, as the last hop, does what the chain's
 * term says: respond, make one syscall from the typed table, fault, exit,
 * read and write a shared region, signal, or yield. Every answer carries
 * the checksums of stress.h, so the client can tell a reply meant for it
 * from anything else. Other processes are found through the driver
 * (CMD_LOOKUP), which keeps the table of who serves which slot.
 */
#include "stress.h"

static long driver;
static unsigned long signals;
static char buf[FUZZ_BUF] __attribute__((aligned(4096)));

/* What the root loop does next (set by migrant_signal), and what went wrong outside calls. */
static volatile unsigned long exec_wanted, fork_wanted;
static volatile unsigned long report;
/* The hop the armed timer's handler makes, and whether it ran. */
static volatile unsigned long timer_hop, timer_fired;
/* The thread that runs the root loop now: a wrong guess at a tid must not end it. */
static volatile long loop_tid;

static long self_pid(void)
{
	struct mself me;

	sys_self(&me);
	return me.pid;
}

/* The slots' pids as the last lookups found them, for handlers (hop_from_handler). */
static volatile long slot_seen[NSVC];

/* Another migration, into the driver; 0 if it fails (the caller then gets E_INVAL). */
static long lookup(long what, long index)
{
	struct ipc_reply r;

	if (!driver || ipc_req(driver, CMD_LOOKUP, what, index, 0, &r) != 0)
		return 0;
	if (what >= L_SLOT && what < L_SLOT + NSVC)
		slot_seen[what - L_SLOT] = r.d[0];
	return r.d[0];
}

static long thread_entry(long value)
{
	return value;
}

/* A TAG_OK answer carries report in d2's high bits: the client fails on any. */
static void answer(unsigned long tag, long tokens, long nonce, long r1, long r2)
{
	if (tag == TAG_OK)
		r2 |= (long)report;
	ipc_resp((long)(tag ^ mix((unsigned long)tokens, (unsigned long)nonce)), r1, r2,
		 (long)mix((unsigned long)nonce, (unsigned long)(r1 ^ r2)));
}

static long hop_call(long kind, long pid, long d0, long d1, long d2, long d3, struct ipc_reply *r);

/*
 * A hop from a notification handler (docs/ipc.md): a handler's frame has
 * eid 0 and ends by responding, so tail, fwd and kick are refused with
 * E_INVAL; a req is an ordinary call. The target comes from what earlier
 * lookups saw, not from a lookup of its own: a signal handler runs on one
 * of our threads, maybe a fresh one from a fork step, and its call into
 * the driver would give the driver's space page tables for that thread's
 * activation slot, which it keeps (docs/stress.md, Invariants).
 */
static void hop_from_handler(unsigned long bits)
{
	long kind = (long)HOP_KIND_OF(bits), slot = (long)HOP_SLOT_OF(bits), pid, st;
	struct ipc_reply r;

	pid = slot >= NSVC ? self_pid() : slot_seen[slot];
	if (pid <= 0)
		return;
	st = hop_call(kind, pid, CMD_PING, 0, 0, 0, &r);
	if (kind != H_REQ ? st != E_INVAL
			  : st && st != E_NOENT && st != E_DIED && st != E_DEPTH && st != E_BUSY &&
			    st != E_ABORTED)
		__atomic_fetch_or(&report, REPORT_HANDLER, __ATOMIC_RELAXED);
}

/* The service's race on tids: threads made by one borrowed thread, hit by another. */
static struct race tid_race;

static long make_thread(unsigned long unused)
{
	long tid = thread_spawn(HART_ANY, thread_entry, 0), st;

	(void)unused;
	if (!sys_allowed(sys_find(SYS_THREAD_CREATE), tid))
		return RACE_BAD;
	while (tid > 0 && (st = sys_thread_join(tid, NULL)) == E_KILLED)
		;
	return tid;
}

/* A thread_kill or ipc_abort at a guessed tid: ours, or another process's (E_PERM). */
static long hit_thread(long kind, long tid)
{
	long st = kind == RK_HIT_TKILL ? sys_thread_kill(tid) : ipc_abort(tid);

	return st == 0 || st == E_NOENT || st == E_PERM || st == E_INVAL ? st : RACE_BAD;
}

/* Only our own threads would be spared; a wrong guess may hit the loop's. */
static bool spare_loop(long tid)
{
	return tid == loop_tid;
}

/* Arms a timer on the calling thread (the client's, borrowed) and waits a while for its handler. */
static long timer_hit(long d3)
{
	timer_fired = 0;
	timer_hop = (unsigned long)d3;
	if (sys_timer(1, 0) < 0)
		return 0;
	for (int i = 0; i < 16 && !timer_fired; i++)
		sys_yield();
	return (long)timer_fired;
}

/*
 * Another process's region, published by its owner, who may be freeing
 * it right now: map it, write the words the owner never checks (16..23),
 * unmap. Nothing may come of it but a documented status.
 */
static long shm_hit(long id)
{
	long va = shm_map(id, NULL);
	volatile unsigned long *w = (volatile unsigned long *)va;

	if (va < 0)
		return va;
	for (int round = 0; round < 4; round++) {
		for (int i = 16; i < 24; i++)
			w[i] = 0x57a1e000ul + (unsigned long)i;
		sys_yield();
	}
	shm_unmap((void *)va);
	return 0;
}

static long fuzz(long nr, long tokens, long tid)
{
	const struct sysdesc *d = sys_find(nr);
	struct fuzz_ctx c = { self_pid(), tid, 0, buf, lookup, thread_entry };
	struct mstats s;

	/* A call can arrive before main has run. */
	sys_stats(&s);
	c.harts = s.harts;

	if (!d || !(d->where & IN_SVC))
		return E_NOSYS;
	return fuzz_call(&c, d, (unsigned long)tokens);
}

/* The region's first eight words are the client's; we answer in the next eight. */
static long shm_touch(long id, long nonce, long *bad)
{
	long va = shm_map(id, NULL);
	volatile unsigned long *w = (volatile unsigned long *)va;

	if (va < 0)
		return va;
	*bad = 0;
	for (int i = 0; i < 8; i++) {
		*bad |= w[i] != mix((unsigned long)nonce, (unsigned long)i);
		w[8 + i] = mix((unsigned long)nonce, (unsigned long)i) ^ 1;
	}
	shm_unmap((void *)va);
	return 0;
}

static void last_hop(long tid, long d0, long d1, long d2, long d3)
{
	long r = 0, bad = 0;

	switch (D0_TERM(d0)) {
	case T_RESP:
		/* The client knows how deep its chain must be by now. */
		bad = ipc_depth(NULL);
		break;
	case T_FUZZ:
		r = fuzz(D0_NR(d0), d1, tid);
		break;
	case T_FAULT:
		*(volatile long *)0 = 1;
		break;
	case T_EXIT:
		sys_exit(7);
	case T_SHM:
		r = shm_touch(d3, d2, &bad);
		break;
	case T_SIGNAL:
		r = sys_notify(lookup(L_SLOT + (d3 & 7) % NSVC, 0), (unsigned long)d3 >> 8);
		break;
	case T_YIELD:
		for (long i = 0; i < (d3 & 7); i++)
			sys_yield();
		break;
	case T_TIMER:
		r = timer_hit(d3);
		break;
	case T_SHMHIT:
		r = shm_hit(d3);
		break;
	case T_TMAKE:
		r = race_make(&tid_race, make_thread, 0);
		break;
	case T_THIT:
		r = race_hit(&tid_race, hit_thread, d3 == RK_HIT_TKILL ? RK_HIT_TKILL : RK_HIT_ABORT,
			     spare_loop);
		break;
	default:
		answer(TAG_ERR, d1, d2, E_NOSYS, 0);
		return;
	}
	answer(TAG_OK, d1, d2, r, bad);
}

static long hop_call(long kind, long pid, long d0, long d1, long d2, long d3, struct ipc_reply *r)
{
	r->pid = 0;
	switch (kind) {
	case H_FWD: return ipc_fwd(pid, d0, d1, d2, d3, r);
	case H_TAIL: return ipc_tail(pid, d0, d1, d2, d3, r);
	case H_KICK: return ipc_kick(pid, d0, d1, d2, d3, r);
	}
	return ipc_req(pid, d0, d1, d2, d3, r);
}

/*
 * Hop 0 of the chain in d0 is the one that brought us here. A req or fwd
 * passes the reply up unchanged; code after a tail or kick runs only if it
 * failed. Either failure answers TAG_ERR with the status and reply.pid.
 */
static void chain(long tid, long d0, long d1, long d2, long d3)
{
	unsigned long hops = D0_HOPS(d0), rest;
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	long pid, st;

	if (HOPS_N(hops) <= 1) {
		last_hop(tid, d0, d1, d2, d3);
		return;
	}
	rest = HOPS_REST(hops);
	pid = HOP_SLOT(rest, 0) >= NSVC ? self_pid() : lookup(L_SLOT + HOP_SLOT(rest, 0), 0);
	st = hop_call(HOP_KIND(rest, 0), pid, CHAIN_D0(D0_TERM(d0), D0_NR(d0), rest), d1, d2, d3, &r);
	if (st == 0)
		ipc_resp(r.d[0], r.d[1], r.d[2], r.d[3]);
	answer(TAG_ERR, d1, d2, st, r.pid);
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	switch (d0 & 0xff) {
	case CMD_CHAIN:
		chain(tid, d0, d1, d2, d3);
		return;
	case CMD_SETUP: {
		long was = driver;

		driver = d1;
		/*
		 * Small activations, so chains can go deep before E_DEPTH. Set
		 * here, not in main: when main runs is up to the scheduler, and a
		 * fuzzed ipc_frame in between would make results depend on it.
		 */
		ipc_frame(4096);
		/* d1 says whether this image had been set up: after an exec it has not. */
		ipc_resp((long)PING_TAG, was != 0, 0, 0);
		return;
	}
	case CMD_PING:
		ipc_resp((long)(PING_TAG ^ (unsigned long)d1), 0, 0, 0);
		return;
	}
	ipc_resp(E_NOSYS, 0, 0, 0);
}

/* The armed timer's handler: on whichever thread armed it, wherever that thread is. */
void migrant_timer(unsigned long expiries)
{
	(void)expiries;
	hop_from_handler(timer_hop);
	timer_fired = 1;
}

/* Runs on a thread of ours in its root frame; exec and fork wait for the root loop. */
void migrant_signal(unsigned long bits)
{
	__atomic_fetch_add(&signals, 1, __ATOMIC_RELAXED);
	if (!SIG_ACTS(bits))
		return;
	if (bits & SIG_HOP)
		hop_from_handler(bits);
	if (bits & SIG_EXEC)
		exec_wanted = 1;
	if (bits & SIG_FORK)
		fork_wanted = bits;
}

static __attribute__((noreturn)) void root_loop(void);
static long loop_thread(long unused)
{
	(void)unused;
	root_loop();
}

/*
 * The forked child, on a copy of the forking thread's root: it must be
 * able to make a thread (its own slots, docs/ipc.md "fork") and must stay
 * callable a while, so that the parent's call reaches it. Retries ride
 * out a moment of memory taken by other fuzzed calls.
 */
static __attribute__((noreturn)) void child_checks(void)
{
	long tid = E_NOMEM, v = 0;

	for (int i = 0; i < 8 && tid == E_NOMEM; i++) {
		tid = thread_spawn(HART_ANY, thread_entry, 5);
		if (tid == E_NOMEM)
			sys_yield();
	}
	if (tid < 0 || sys_thread_join(tid, &v) != 0 || v != 5)
		sys_exit(0x41);
	for (int i = 0; i < 16; i++)
		sys_yield();
	sys_exit(0);
}

/* What went wrong in a fork step, for the console log; the client sees REPORT_FORK. */
static void fork_wrong(const char *what, long pid, long v)
{
	printf("svc_stress: fork step: %s (child %ld: %ld)\n", what, pid, v);
	__atomic_fetch_or(&report, REPORT_FORK, __ATOMIC_RELAXED);
}

/*
 * Calls the child, then waits for it: it must answer or be gone (E_DEPTH
 * if its reservation does not fit on our stack, E_ABORTED if a fuzzed
 * ipc_abort in a call into us aborted ours), and exit 0.
 */
static void check_child(long pid)
{
	struct ipc_reply r;
	long st = ipc_req(pid, CMD_PING, 7, 0, 0, &r), status = 0;

	if (st == 0 ? r.d[0] != (long)(PING_TAG ^ 7ul)
		    : st != E_NOENT && st != E_DIED && st != E_DEPTH && st != E_ABORTED)
		fork_wrong("a call into the child failed", pid, st);
	while ((st = sys_wait(pid, &status)) == E_KILLED)
		;
	if (st != 0)
		fork_wrong("wait for the child failed", pid, st);
	else if (status != 0 && status != EXIT_KILLED)
		fork_wrong("the child exited with a failure", pid, status);
}

/* Forks with depth KiB of this thread's stack in use; the child checks it all. */
static __attribute__((noinline)) long fork_deep(long depth)
{
	volatile unsigned char pad[1024];
	long pid;

	for (int i = 0; i < (int)sizeof(pad); i++)
		pad[i] = (unsigned char)(depth + i);
	pid = depth > 0 ? fork_deep(depth - 1) : sys_fork();
	for (int i = 0; i < (int)sizeof(pad); i++)
		if (pad[i] != (unsigned char)(depth + i))
			sys_exit(pid == 0 ? 0x42 : 0x43);
	return pid;
}

/* The parent side: E_BUSY (a call made a thread of ours meanwhile) and E_NOMEM are fine. */
static long fork_from_here(long depth)
{
	long pid = fork_deep(depth);

	if (pid == 0)
		child_checks();
	if (pid > 0)
		check_child(pid);
	return pid;
}

/* The fork step's fresh thread: fork, then hand the root loop on to another fresh thread. */
static long fork_worker(long bits)
{
	long depth = FORK_DEPTH((unsigned long)bits);

	fork_from_here(bits & FORK_FRAME64 ? depth : 0);
	if (thread_spawn(HART_ANY, loop_thread, 0) > 0)
		sys_thread_exit(0);
	root_loop();
}

/*
 * fork needs the caller to be its process's only thread: with
 * FORK_THREAD the loop's thread hands over to a fresh one, whose root is
 * 4 or 64 KiB, and exits; that one forks and hands over again, so the
 * child lives on after the thread that forked it exited.
 */
static void fork_step(unsigned long bits)
{
	long old, tid;

	/*
	 * The loop's own root may be as small as a reservation a fuzzed
	 * ipc_frame set before an exec: no depth there, since a stack that
	 * outgrew its root would reach pages no fork copies.
	 */
	if (!(bits & FORK_THREAD)) {
		fork_from_here(0);
		return;
	}
	old = ipc_frame(bits & FORK_FRAME64 ? 65536 : 4096);
	tid = thread_spawn(HART_ANY, fork_worker, (long)bits);
	if (old > 0)
		ipc_frame(old);
	if (tid > 0)
		sys_thread_exit(0);
}

static __attribute__((noreturn)) void root_loop(void)
{
	struct mself me;
	unsigned long bits;

	sys_self(&me);
	loop_tid = me.tid;
	/*
	 * The wanted words are set by handlers, and one may run between their
	 * test and the wait: the wait is on the handlers' count, as it was
	 * before the test, so it returns at once if one ran meanwhile.
	 */
	for (;;) {
		unsigned long seen = __atomic_load_n(&signals, __ATOMIC_ACQUIRE);

		bits = __atomic_exchange_n(&fork_wanted, 0, __ATOMIC_ACQ_REL);
		if (bits)
			fork_step(bits);
		if (__atomic_exchange_n(&exec_wanted, 0, __ATOMIC_ACQ_REL))
			sys_exec("/svc_stress");
		sys_notify_wait_while(&signals, seen);
	}
}

int main(void)
{
	root_loop();
}

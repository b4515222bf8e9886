/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A service is killed while every hart is migrating into it. A thread
 * pinned to each hart calls one /svc_slow in a loop; the handler spins
 * for `ms` (default 1) ms of guest time, so at any moment most callers
 * are inside it (in odd rounds it spins only briefly, so the kill also
 * meets calls on their way in and out). Once every caller has had a few calls answered the test
 * kills the service. Each caller's calls then return, in order: some 0s
 * (answered by the service), at most one E_DIED (naming the service,
 * zero words: a call that was inside at the kill), then E_NOENT (pid 0,
 * zero words: a call after it), where it stops; nothing else, ever.
 * Every caller comes back, the service's wait says EXIT_KILLED.
 *
 * `rounds` (default 4) such rounds with the kill at whatever moment,
 * then one where the kill comes while every caller is certainly inside:
 * each is held in the handler (even harts spinning in user mode, odd ones
 * blocked in sys_notify_wait) and must get exactly one E_DIED, then
 * E_NOENT. Afterwards free pages, processes and threads are back where
 * they started.
 */
#include <test.h>

#include "proto/slow.h"

#define MAX_HARTS 64

struct caller {
	long tid, ok, died, noent, bad, bad_status, bad_pid, bad_word, bad_after;
	long holding;
} __attribute__((aligned(64)));

static struct caller callers[MAX_HARTS];
static long svc, harts, ms, spin_ms, hold;
static unsigned long hz;

static long load(long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(long *p, long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static void note_bad(struct caller *c, long st, struct ipc_reply *r)
{
	if (!c->bad++) {
		c->bad_status = st;
		c->bad_pid = r->pid;
		c->bad_word = r->d[0] | r->d[1] | r->d[2] | r->d[3];
		c->bad_after = c->ok;
	}
}

static long call_loop(long i)
{
	struct caller *c = &callers[i];
	struct ipc_reply r;

	for (;;) {
		long op = SLOW_SPIN, st;

		if (load(&hold)) {
			op = i % 2 ? SLOW_HANG_WAIT : SLOW_HANG_SPIN;
			store(&c->holding, 1);
		}
		r = (struct ipc_reply){ -1, { -1, -1, -1, -1 } };
		st = ipc_req(svc, op, spin_ms, 0, 0, &r);
		if (st == 0 && op == SLOW_SPIN && !c->died && r.pid == svc && r.d[3] > 0) {
			store(&c->ok, c->ok + 1);
		} else if (st == E_DIED && !c->died && r.pid == svc &&
			   !(r.d[0] | r.d[1] | r.d[2] | r.d[3])) {
			c->died++;
		} else if (st == E_NOENT && r.pid == 0 && !(r.d[0] | r.d[1] | r.d[2] | r.d[3])) {
			c->noent++;
			return 0;
		} else {
			note_bad(c, st, &r);
			if (c->bad > 100)
				return 1;
		}
	}
}

static void slow_status(long *entries, long *active)
{
	struct ipc_reply r;

	CHECK_EQ(ipc_req(svc, SLOW_STATUS, 0, 0, 0, &r), 0);
	CHECK_EQ(r.pid, svc);
	*entries = r.d[0];
	*active = r.d[1];
}

/* One round: callers on every hart, the kill at once when `held`, else under load. */
static void kill_round(int round, int held)
{
	unsigned long t0;
	long entries, active, status = -1, died = 0;

	/* Odd rounds spin 0 ms (one pass of the loop): most time goes to the migration path. */
	spin_ms = round % 2 ? 0 : ms;
	svc = sys_spawn("/svc_slow", 0);
	CHECK(svc > 0);
	store(&hold, 0);
	for (long i = 0; i < harts; i++) {
		callers[i] = (struct caller){ 0 };
		callers[i].tid = thread_spawn(i, call_loop, i);
		CHECK_OK(callers[i].tid);
	}

	/* Load: every caller has been answered a few times. */
	t0 = sys_clock(NULL);
	for (long i = 0; i < harts; i++) {
		while (load(&callers[i].ok) < 3) {
			if (sys_clock(NULL) - t0 > 10 * hz)
				test_fail("round %d: caller on hart %ld answered %ld times in 10 s "
					  "(%ld bad, first status %ld)", round, i,
					  load(&callers[i].ok), callers[i].bad, callers[i].bad_status);
			sys_yield();
		}
	}
	if (held) {
		store(&hold, 1);
		t0 = sys_clock(NULL);
		for (;;) {
			long all = 1;

			for (long i = 0; i < harts; i++)
				all &= load(&callers[i].holding);
			slow_status(&entries, &active);
			if (all && active == harts)
				break;
			if (sys_clock(NULL) - t0 > 10 * hz)
				test_fail("round %d: %ld calls inside the service, want %ld", round,
					  active, harts);
			sys_yield();
		}
	}

	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &status), 0);
	CHECK_EQ(status, EXIT_KILLED);

	for (long i = 0; i < harts; i++) {
		struct caller *c = &callers[i];
		long v = -1;

		CHECK_EQ(sys_thread_join(c->tid, &v), 0);
		if (c->bad || v != 0)
			test_fail("round %d, hart %ld: %ld wrong returns, first after %ld answers: "
				  "status %ld reply.pid %ld (service %ld) words %lx (join value %ld)",
				  round, i, c->bad, c->bad_after, c->bad_status, c->bad_pid, svc,
				  c->bad_word, v);
		if (c->noent != 1 || c->died > 1)
			test_fail("round %d, hart %ld: %ld E_DIED, %ld E_NOENT", round, i,
				  c->died, c->noent);
		if (held && c->died != 1)
			test_fail("round %d, hart %ld: held inside at the kill, got no E_DIED "
				  "(%ld answers)", round, i, c->ok);
		died += c->died;
	}
	printf("smp_kill_under_load: round %d (%s, %ld ms): %ld of %ld callers were inside "
	       "at the kill\n", round, held ? "held" : "loaded", spin_ms, died, harts);
	CHECK_EQ(ipc_req(svc, SLOW_STATUS, 0, 0, 0, 0), E_NOENT);
}

int main(void)
{
	struct mstats before;
	long rounds;

	test_start("smp_kill_under_load");
	harts = test_harts();
	CHECK(harts >= 1 && harts <= MAX_HARTS);
	ms = test_arg("ms", 1);
	rounds = test_arg("rounds", 4);
	sys_clock(&hz);
	stats_snapshot(&before);
	for (int round = 0; round < rounds; round++)
		kill_round(round, 0);
	kill_round((int)rounds, 1);
	stats_settle(&before);
	test_pass();
	return 0;
}

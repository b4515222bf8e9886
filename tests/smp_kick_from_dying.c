/*
 * A process is killed while callers on every hart kick out of it. Found
 * by the stress fuzzer (seed 23 at 4 harts): a kick parks the caller's
 * frame in the process it leaves, and so stops keeping it alive, a few
 * instructions before its hart switches satp to the next process. A
 * killer on another hart could tear the process down in between and free
 * the page tables that hart still ran on; it then faulted on its own
 * trap vector forever. aspace_destroy now waits for every hart to leave.
 * It runs at 2 harts: at 8 on a 2-core host the bkl build spends minutes
 * per round, and at 4 it sometimes does (every kick's remote fence waits
 * on descheduled harts while the big lock is held; docs/locking.md).
 *
 * Each round spawns two /svc_hop processes, A and B; a thread pinned to
 * every hart calls A, which kicks the call on to B, which answers. The
 * main thread kills A while the calls go on; `rounds` (40) rounds. Every call must come back
 * answered by B, or E_DIED (inside A at the kill), or E_NOENT (A gone,
 * which ends that caller's round); nothing else, and no hang. Afterwards
 * free pages, processes and threads are back where they started.
 */
#include "hop.h"

#define MAX_HARTS 64

static long a, b, harts;
static volatile long calls_made[MAX_HARTS];

static long caller(long i)
{
	for (;;) {
		struct ipc_reply r = { -1, { -1, -1, -1, -1 } };
		long st = ipc_req(a, HOPS(HOP_KICK, HOP_END, 0, 0), b, 0, 0, &r);

		calls_made[i]++;
		if (st == E_NOENT)
			return 0;
		if (st == E_DIED)
			continue;
		if (st != 0 || r.pid != b || r.d[0] != HOP_MAGIC + b)
			return st ? st : 1;
	}
}

static void round_of_kicks(long round)
{
	long tids[MAX_HARTS];
	unsigned long hz, t0;

	a = sys_spawn("/svc_hop", 0);
	b = sys_spawn("/svc_hop", 0);
	CHECK(a > 0 && b > 0);
	for (long i = 0; i < harts; i++) {
		calls_made[i] = 0;
		tids[i] = thread_spawn(i, caller, i);
		CHECK(tids[i] > 0);
	}
	/* Kill while the kicks are going: after every caller made a few, and a bit more each round. */
	for (long i = 0; i < harts; i++)
		while (calls_made[i] < 3)
			sys_yield();
	t0 = sys_clock(&hz);
	while (sys_clock(NULL) < t0 + hz / 10000 * (unsigned long)(round % 8))
		;
	CHECK_EQ(sys_kill(a), 0);
	for (long i = 0; i < harts; i++) {
		long v = -1;

		CHECK_EQ(sys_thread_join(tids[i], &v), 0);
		if (v != 0)
			test_fail("round %ld, hart %ld: a call returned %ld", round, i, v);
	}
	CHECK_EQ(sys_wait(a, NULL), 0);
	CHECK_EQ(sys_kill(b), 0);
	CHECK_EQ(sys_wait(b, NULL), 0);
}

int main(void)
{
	struct mstats start;
	long rounds = test_arg("rounds", 40);

	test_start("smp_kick_from_dying");
	harts = test_harts() < MAX_HARTS ? test_harts() : MAX_HARTS;
	stats_snapshot(&start);
	for (long round = 0; round < rounds; round++)
		round_of_kicks(round);
	stats_settle(&start);
	test_pass();
}

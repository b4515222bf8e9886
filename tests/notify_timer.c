/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A periodic timer interrupts its thread wherever it is: armed with a
 * 20 ms period, the thread migrates into a service that mixes registers
 * for 300 ms; the timer's handler runs in our process (one frame above
 * the service's, eid 0) about 15 times' worth of expiries, and the
 * service's computation resumes intact each time (its checksum, a
 * function of its iteration count only, is recomputed here). While a
 * handler runs no other timer delivery nests: expiries that fall due
 * meanwhile arrive together, counted, in the next one. An armed timer
 * forbids thread_pin; disarmed, nothing more arrives, and a one-shot
 * timer fires exactly once. The service is /svc_slow.
 */
#include "slow.h"

#define PERIOD_MS 20
#define SPIN_MS   300
/* The first handler run spins this long: five periods. */
#define FIRST_HANDLER_MS 100

/* Written by the handler, which interrupts main: volatile. */
static volatile long calls, expiries, max_batch, nest, max_nest, bad_eid;
static volatile long at_depth[4];
static unsigned long hz;

static void spin_ms(unsigned long ms)
{
	unsigned long t0 = sys_clock(NULL);

	while (sys_clock(NULL) - t0 < ms * hz / 1000)
		;
}

void migrant_timer(unsigned long n)
{
	long eid = -1, depth = ipc_depth(&eid);

	if (++nest > max_nest)
		max_nest = nest;
	calls++;
	expiries += (long)n;
	if ((long)n > max_batch)
		max_batch = (long)n;
	if (eid != 0)
		bad_eid++;
	at_depth[depth < 3 ? depth : 3]++;
	if (calls == 1)
		spin_ms(FIRST_HANDLER_MS);
	nest--;
}

/* SLOW_SPIN's checksum after a given number of rounds. */
static unsigned long spin_sum_of(long iters)
{
	struct slow_mix m = SLOW_MIX_INIT;

	for (long n = 0; n < iters; n++)
		slow_mix_round(&m, n);
	return slow_mix_sum(&m);
}

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	unsigned long period, t0, t1;
	long s, st, n_calls, n_exp, lo, hi;

	test_start("notify_timer");
	stats_snapshot(&before);
	sys_clock(&hz);
	period = hz * PERIOD_MS / 1000;
	s = spawn_slow();
	/* Warm the path up so the first call is not the one that is measured. */
	CHECK_EQ(ipc_req(s, SLOW_SPIN, 1, 0, 0, &r), 0);
	CHECK_EQ(r.d[1], (long)spin_sum_of(r.d[0]));

	t0 = sys_clock(NULL);
	CHECK_EQ(sys_timer(period, period), 0);
	CHECK_EQ(sys_thread_pin(0), E_BUSY);
	st = ipc_req(s, SLOW_SPIN, SPIN_MS, 0, 0, &r);
	CHECK_EQ(sys_timer(0, 0), 0);
	t1 = sys_clock(NULL);
	n_calls = calls;
	n_exp = expiries;
	CHECK_EQ(st, 0);
	CHECK_EQ(r.pid, s);
	printf("notify_timer: %ld expiries in %ld handler runs over %lu ms, largest batch %ld, "
	       "%ld service iterations\n", n_exp, n_calls, (t1 - t0) * 1000 / hz, max_batch, r.d[0]);
	if (r.d[1] != (long)spin_sum_of(r.d[0]))
		test_fail("service checksum %lx after %ld iterations, want %lx: its context was "
			  "not restored", r.d[1], r.d[0], spin_sum_of(r.d[0]));
	/*
	 * 300 ms at 20 ms on a 10 ms tick: about 15. The count follows the
	 * deadlines, so it is checked against the time the timer was armed
	 * (a host that stalls the guest stretches both alike); expiries due
	 * but not delivered when we disarm are dropped, hence the slack.
	 */
	lo = (long)((t1 - t0) / period) - 3;
	hi = (long)((t1 - t0) / period);
	if (n_exp < 5 || n_exp < lo || n_exp > hi)
		test_fail("%ld expiries in %lu ms, want %ld..%ld (and 5 or more)", n_exp,
			  (t1 - t0) * 1000 / hz, lo, hi);
	if (n_calls < 1 || n_calls > n_exp)
		test_fail("%ld handler runs for %ld expiries", n_calls, n_exp);
	CHECK_EQ(max_nest, 1);
	CHECK_EQ(bad_eid, 0);
	/* The handler runs one frame above the service's (depth 2), or above our root if it fired before or after the call. */
	if (at_depth[2] < 1 || at_depth[0] || at_depth[3] || at_depth[1] + at_depth[2] != n_calls)
		test_fail("handler depths: %ld at 1, %ld at 2, %ld at 0, %ld deeper", at_depth[1],
			  at_depth[2], at_depth[0], at_depth[3]);
	/* The first run held delivery for five periods: what fell due came later, together. */
	if (max_batch < 2)
		test_fail("no batched expiries after a %d ms handler (largest %ld)",
			  FIRST_HANDLER_MS, max_batch);

	/* Disarmed: nothing more arrives, and the thread may move again. */
	t0 = sys_clock(NULL);
	while (sys_clock(NULL) - t0 < 5 * period)
		sys_yield();
	CHECK_EQ(calls, n_calls);
	CHECK_EQ(expiries, n_exp);
	CHECK_EQ(sys_thread_pin(0), 0);

	/* One-shot: exactly one expiry. */
	CHECK_EQ(sys_timer(2 * period, 0), 0);
	t0 = sys_clock(NULL);
	while (sys_clock(NULL) - t0 < 10 * period)
		sys_yield();
	CHECK_EQ(calls, n_calls + 1);
	CHECK_EQ(expiries, n_exp + 1);
	/* A one-shot that fired is disarmed. */
	CHECK_EQ(sys_thread_pin(0), 0);

	kill_wait(s, EXIT_KILLED);
	stats_settle(&before);
	test_pass();
	return 0;
}

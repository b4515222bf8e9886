/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timer arguments at their edges. The stress fuzzer armed a timer with
 * period -1 (2^64 - 1 ticks) in the bkl build: each tick then stepped the
 * deadline back by one, around the whole 64-bit range, with the big lock
 * held, and every hart stopped (seed 1153169687 at 4 harts; QEMU's
 * monitor showed one hart in notify_timers, the rest waiting for the
 * lock). A delay or period over TIMER_MAX is now E_INVAL, and a tick
 * counts the periods that ended in one step. So: the edges are refused
 * and change nothing; TIMER_MAX itself is accepted and never fires; and a
 * one-tick period, due about hz / 100 times a tick, delivers counts that
 * add up to the ticks that passed, while the thread keeps running.
 */
#include <test.h>

static volatile long calls, expiries;

void migrant_timer(unsigned long n)
{
	calls++;
	expiries += (long)n;
}

static void refuse(unsigned long delay, unsigned long period)
{
	long st = sys_timer(delay, period);

	if (st != E_INVAL)
		test_fail("timer(%lx, %lx) gave %ld, want E_INVAL", delay, period, st);
}

/* Yields for ms of guest time; returns how many yields that took. */
static long run_for(unsigned long ms, unsigned long hz)
{
	unsigned long t0 = sys_clock(NULL);
	long n = 0;

	while (sys_clock(NULL) - t0 < ms * hz / 1000) {
		sys_yield();
		n++;
	}
	return n;
}

int main(void)
{
	struct mstats before;
	unsigned long hz, t0, t1;
	long n;

	test_start("timer_bounds");
	stats_snapshot(&before);
	sys_clock(&hz);

	refuse(1, ~0ul);
	refuse(~0ul, 0);
	refuse(TIMER_MAX + 1, 0);
	refuse(1, TIMER_MAX + 1);
	refuse(1ul << 63, 1);
	run_for(50, hz);
	CHECK_EQ(calls, 0);

	/* Accepted, and due in 14,000 years at 10 MHz; delay 0 disarms whatever the period. */
	CHECK_EQ(sys_timer(TIMER_MAX, TIMER_MAX), 0);
	run_for(50, hz);
	CHECK_EQ(calls, 0);
	CHECK_EQ(sys_timer(0, ~0ul), 0);

	t0 = sys_clock(NULL);
	CHECK_EQ(sys_timer(1, 1), 0);
	n = run_for(300, hz);
	CHECK_EQ(sys_timer(0, 0), 0);
	t1 = sys_clock(NULL);
	if (n < 10)
		test_fail("only %ld yields in 300 ms under a one-tick timer", n);
	if (calls < 10)
		test_fail("a one-tick timer was delivered %ld times in 300 ms", calls);
	/* Each expiry is one tick that passed while it was armed. */
	if (expiries < (long)(t1 - t0) / 2 || expiries > (long)(t1 - t0) + 1)
		test_fail("%ld expiries over %lu ticks", expiries, t1 - t0);
	stats_settle(&before);
	test_pass();
	return 0;
}

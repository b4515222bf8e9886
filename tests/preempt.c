/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves timer preemption: two threads that spin without ever entering the
 * kernel share hart 0 with main, and over half a second of guest time both
 * make progress and main still gets to run.
 */
#include <test.h>

/*
 * volatile: each spinner's loop must really store its count and reread
 * stop, because the other threads read and write them from outside the
 * loop. No ordering between the two is needed.
 */
static volatile unsigned long counts[2];
static volatile int stop;

static long spin_count(long which)
{
	while (!stop)
		counts[which]++;
	return 0;
}

/* Yields until half a second of guest time has passed. */
static void wait_half_second(void)
{
	unsigned long hz;
	unsigned long start = sys_clock(&hz);

	while (sys_clock(NULL) - start < hz / 2)
		sys_yield();
}

int main(void)
{
	unsigned long before[2];
	long tids[2];

	test_start("preempt");
	CHECK_EQ(sys_thread_pin(0), 0);
	for (long i = 0; i < 2; i++) {
		tids[i] = thread_spawn(0, spin_count, i);
		CHECK_OK(tids[i]);
	}
	before[0] = counts[0];
	before[1] = counts[1];
	wait_half_second();
	if (counts[0] == before[0] || counts[1] == before[1])
		test_fail("a spinner starved: counts %lu -> %lu and %lu -> %lu",
			  before[0], counts[0], before[1], counts[1]);
	stop = 1;
	for (long i = 0; i < 2; i++) {
		long v = -1;

		CHECK_EQ(sys_thread_join(tids[i], &v), 0);
		CHECK_EQ(v, 0);
	}
	test_pass();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats counts the object frees still waiting for an epoch grace period
 * (mstats.deferred), which is what lets stats_snapshot tell a finished
 * teardown from one whose memory is not back yet. A joined thread's
 * object is freed through an epoch, so just after a join its free is
 * pending, unless a tick on its hart ran the grace period in the few
 * instructions between. Of TRIES joins at least one must show it; then
 * the count must drain to zero and the pages come back.
 */
#include <test.h>

#define TRIES 50

static long echo(long x)
{
	return x;
}

int main(void)
{
	struct mstats before, now;
	unsigned long hz, t0;
	long seen = 0, v;

	test_start("stats_deferred");
	stats_snapshot(&before);
	CHECK_EQ(before.deferred, 0);
	for (long i = 0; i < TRIES && !seen; i++) {
		long tid = thread_spawn(HART_ANY, echo, i);

		CHECK_OK(tid);
		CHECK_EQ(sys_thread_join(tid, &v), 0);
		CHECK_EQ(v, i);
		sys_stats(&now);
		if (now.deferred > 0)
			seen = i + 1;
	}
	if (!seen)
		test_fail("no free was deferred just after any of %d joins", TRIES);
	t0 = sys_clock(&hz);
	do {
		sys_yield();
		sys_stats(&now);
	} while (now.deferred && sys_clock(NULL) - t0 < STATS_SETTLE_SECONDS * hz);
	CHECK_EQ(now.deferred, 0);
	stats_settle(&before);
	printf("stats_deferred: a free was pending after join %ld of %d\n", seen, TRIES);
	test_pass();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves thread teardown is complete: 1000 create/join cycles return the
 * right values, 1000 create/kill/join cycles each report EXIT_KILLED, and
 * afterwards free pages, processes and threads return exactly to where
 * they started.
 */
#include <test.h>

#define CYCLES 1000

static long triple(long x)
{
	return x * 3;
}

/* noreturn: the loop is the point, and it tells GCC why there is no return. */
__attribute__((noreturn))
static long spin_forever(long unused)
{
	(void)unused;
	for (;;)
		;
}

static void cycle_join(long i)
{
	long tid = thread_spawn(HART_ANY, triple, i);
	long v = -1;

	if (tid <= 0)
		test_fail("join cycle %ld: thread_create returned %ld", i, tid);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(v, i * 3);
}

static void cycle_kill(long i)
{
	long tid = thread_spawn(HART_ANY, spin_forever, 0);
	long v = -1;

	if (tid <= 0)
		test_fail("kill cycle %ld: thread_create returned %ld", i, tid);
	CHECK_EQ(sys_thread_kill(tid), 0);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(v, EXIT_KILLED);
}

int main(void)
{
	struct mstats start;

	test_start("thread_cycles");
	/* The first cycles may set up state that stays (a first-use cache). */
	cycle_join(-1);
	cycle_kill(-1);
	stats_snapshot(&start);
	for (long i = 0; i < CYCLES; i++)
		cycle_join(i);
	for (long i = 0; i < CYCLES; i++)
		cycle_kill(i);
	stats_settle(&start);
	test_pass();
}

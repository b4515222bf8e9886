/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves process teardown is complete: 1000 spawn/kill/wait cycles of a
 * spinner each report EXIT_KILLED, and afterwards free pages, processes
 * and threads return exactly to where they started.
 */
#include <test.h>

#define CYCLES 1000

static void cycle_spinner(long cycle)
{
	long pid = sys_spawn("/spinner", 0);
	long status = -1;

	if (pid <= 0)
		test_fail("cycle %ld: spawn returned %ld", cycle, pid);
	CHECK_EQ(sys_kill(pid), 0);
	CHECK_EQ(sys_wait(pid, &status), 0);
	CHECK_EQ(status, EXIT_KILLED);
}

int main(void)
{
	struct mstats start;

	test_start("spawn_kill");
	/* The first cycle may set up state that stays (a first-use cache). */
	cycle_spinner(-1);
	stats_snapshot(&start);
	for (long i = 0; i < CYCLES; i++)
		cycle_spinner(i);
	stats_settle(&start);
	test_pass();
}

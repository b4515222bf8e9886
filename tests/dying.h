/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frame the smp_*_dying tests share: each round spawns two /svc_hop
 * processes, A and B, pins a caller thread to every hart, kills A while
 * they call, and requires every caller to end its round with 0; then B
 * goes too. `rounds` (40) rounds, and afterwards free pages, processes and
 * threads are back where they started. A test supplies its caller (which
 * counts its calls in calls_made) and what to wait for before the kill.
 */
#ifndef TESTS_DYING_H
#define TESTS_DYING_H

#include "hop.h"

#define MAX_HARTS 64

static long a, b, harts;
static volatile long calls_made[MAX_HARTS];

static void round_while_dying(long round, long (*caller)(long), void (*before_kill)(long))
{
	long tids[MAX_HARTS];

	a = sys_spawn("/svc_hop", 0);
	b = sys_spawn("/svc_hop", 0);
	CHECK(a > 0 && b > 0);
	for (long i = 0; i < harts; i++) {
		calls_made[i] = 0;
		tids[i] = thread_spawn(i, caller, i);
		CHECK(tids[i] > 0);
	}
	before_kill(round);
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

/* Waits until every caller has made at least n calls. */
static void wait_calls(long n)
{
	for (long i = 0; i < harts; i++)
		while (calls_made[i] < n)
			sys_yield();
}

static void run_dying_test(const char *name, long (*caller)(long), void (*before_kill)(long))
{
	struct mstats start;
	long rounds = test_arg("rounds", 40);

	test_start(name);
	harts = test_harts() < MAX_HARTS ? test_harts() : MAX_HARTS;
	stats_snapshot(&start);
	for (long round = 0; round < rounds; round++)
		round_while_dying(round, caller, before_kill);
	stats_settle(&start);
	test_pass();
}

#endif

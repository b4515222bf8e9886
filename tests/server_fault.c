/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A server that faults during a call dies like a killed one: an illegal
 * instruction inside the call gives its parent EXIT_FAULT | 2, and the
 * caller's ipc_req returns E_DIED naming it. Other threads inside the
 * faulting server at the time get E_DIED as well; a server one level up
 * (client -> B -> A, A faults) gets E_DIED from its own call and keeps
 * serving. The servers are instances of /svc_slow.
 */
#include "slow.h"

#define EXIT_ILLEGAL (EXIT_FAULT | 2)

static long bystander_status[3];
static long bystander_target;

/* A thread that waits inside the server that is about to fault. */
static long bystander(long i)
{
	struct ipc_reply r;

	bystander_status[i] = ipc_req(bystander_target, i % 2 ? SLOW_HANG_WAIT : SLOW_HANG_SPIN,
				      0, 0, 0, &r);
	return bystander_status[i] == E_DIED && r.pid == bystander_target ? 0 : 1;
}

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	long a, b, st, tids[3];

	test_start("server_fault");
	stats_snapshot(&before);

	/* Depth 1: the caller gets E_DIED, the parent sees the cause. */
	a = spawn_slow();
	st = ipc_req(a, SLOW_ILLEGAL, 0, 0, 0, &r);
	CHECK_EQ(st, E_DIED);
	CHECK_EQ(r.pid, a);
	CHECK_EQ(r.d[0], 0);
	CHECK_EQ(r.d[1], 0);
	wait_status(a, EXIT_ILLEGAL);
	CHECK_EQ(ipc_req(a, SLOW_STATUS, 0, 0, 0, &r), E_NOENT);

	/* Depth 2: B's call dies with A; B answers us and keeps serving. */
	a = spawn_slow();
	b = spawn_slow();
	st = ipc_req(b, SLOW_CHAIN, a, 0, SLOW_WHAT(SLOW_ILLEGAL, 0), &r);
	CHECK_EQ(st, 0);
	CHECK_EQ(r.pid, b);
	CHECK_EQ(r.d[0], E_DIED);
	CHECK_EQ(r.d[1], a);
	wait_status(a, EXIT_ILLEGAL);
	st = ipc_req(b, SLOW_SELF, 0, 0, 0, &r);
	CHECK_EQ(st, 0);
	CHECK_EQ(r.d[0], b);
	CHECK_EQ(r.d[3], 1);
	kill_wait(b, EXIT_KILLED);

	/* Threads already inside when another call faults: all of them get E_DIED. */
	a = spawn_slow();
	bystander_target = a;
	for (long i = 0; i < 3; i++) {
		tids[i] = thread_spawn(i % test_harts(), bystander, i);
		CHECK_OK(tids[i]);
	}
	wait_inside(a, 3, 3);
	st = ipc_req(a, SLOW_ILLEGAL, 0, 0, 0, &r);
	CHECK_EQ(st, E_DIED);
	CHECK_EQ(r.pid, a);
	for (long i = 0; i < 3; i++) {
		long v = -1;

		CHECK_EQ(sys_thread_join(tids[i], &v), 0);
		if (v != 0)
			test_fail("bystander %ld: status %ld", i, bystander_status[i]);
	}
	wait_status(a, EXIT_ILLEGAL);

	stats_settle(&before);
	test_pass();
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exit from inside a call, on every hart at once. Found by the stress
 * fuzzer (600 s at 4 harts, fine build, seed 1945623081): a chain's last
 * hop called exit in a service another thread had just killed. exit found
 * the service already dying and left the unwinding to the killer's kick,
 * which had not reached this thread yet; so exit returned, and the dying
 * service answered the call with status 0. exit now unwinds its own
 * thread whoever killed the process.
 *
 * Each round spawns one /svc_slow; a thread pinned to every hart calls it
 * with SLOW_EXIT_TOGETHER, which waits until all are inside and exits, so
 * every exit but the first finds the service dying. Each call must come
 * back E_DIED naming the service (it was inside) or E_NOENT (it came too
 * late to get in); never 0, which is a call the service answered after an
 * exit returned. The service's status is the exit's. `rounds` (40) rounds,
 * and afterwards free pages, processes and threads are back where they
 * started.
 */
#include <test.h>

#include "proto/slow.h"

#define MAX_HARTS 64
#define STATUS 7

static long svc, harts;

static long exit_inside(long i)
{
	struct ipc_reply r = { -1, { -1, -1, -1, -1 } };
	long st = ipc_req(svc, SLOW_EXIT_TOGETHER, STATUS, harts, 0, &r);

	if (st == 0 && r.d[0] == SLOW_EXIT_RETURNED)
		test_fail("hart %ld: exit returned %ld in the service, which answered", i, r.d[1]);
	if (st == E_DIED && r.pid != svc)
		test_fail("hart %ld: E_DIED names pid %ld, want %ld", i, r.pid, svc);
	if (st != E_DIED && st != E_NOENT)
		test_fail("hart %ld: call returned %ld (reply.pid %ld, d0 %lx)", i, st, r.pid,
			  r.d[0]);
	return st;
}

/* Returns how many callers were inside at the exit. */
static long round_of_exits(void)
{
	long tids[MAX_HARTS], status = -1, died = 0;

	svc = sys_spawn("/svc_slow", 0);
	CHECK(svc > 0);
	for (long i = 0; i < harts; i++) {
		tids[i] = thread_spawn(i, exit_inside, i);
		CHECK_OK(tids[i]);
	}
	for (long i = 0; i < harts; i++) {
		long v = -1;

		CHECK_EQ(sys_thread_join(tids[i], &v), 0);
		died += v == E_DIED;
	}
	CHECK_EQ(sys_wait(svc, &status), 0);
	CHECK_EQ(status, STATUS);
	CHECK(died > 0);
	return died;
}

int main(void)
{
	struct mstats start;
	long rounds = test_arg("rounds", 40), inside = 0;

	test_start("smp_exit_dying");
	harts = test_harts() < MAX_HARTS ? test_harts() : MAX_HARTS;
	stats_snapshot(&start);
	for (long round = 0; round < rounds; round++)
		inside += round_of_exits();
	stats_settle(&start);
	printf("smp_exit_dying: %ld rounds, %ld of %ld calls inside at the exit\n", rounds, inside,
	       rounds * harts);
	test_pass();
}

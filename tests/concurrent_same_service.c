/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every hart hammers one service at once: a thread on each hart makes
 * `calls` (default 100000) ipc_req calls into a single /svc_echo, each
 * with different words, and checks every reply (status, responder,
 * checksum of the words and of our pid, the service's pid, depth 1).
 * All calls must succeed, none may err, each thread must stay on its
 * hart, and afterwards the thread and page counts are back where they
 * started.
 */
#include <test.h>

#include "proto/echo.h"

#define MAX_HARTS 64

static struct hammer workers[MAX_HARTS];
static long tids[MAX_HARTS];

static long warm_started, warm_harts;

/* Returns once every warm-up thread is alive: they must all hold a slot at once. */
static long wait_all(long arg)
{
	__atomic_add_fetch(&warm_started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&warm_started, __ATOMIC_SEQ_CST) < warm_harts)
		sys_yield();
	return arg;
}

/*
 * Our space keeps the page-table pages that hold its threads' root
 * activations (16 slots of the activation window share one table, and
 * tables under the window are never freed while the space lives), so at
 * 16 harts and more the run below would leave one more table per 16
 * threads alive at once than we had. The counts are taken after as many
 * threads as the run will have have been alive together.
 */
static void warm_up(long harts)
{
	warm_harts = harts;
	for (long i = 0; i < harts; i++) {
		tids[i] = thread_spawn(i, wait_all, 0);
		CHECK_OK(tids[i]);
	}
	for (long i = 0; i < harts; i++)
		CHECK_EQ(sys_thread_join(tids[i], NULL), 0);
}

int main(void)
{
	struct mstats before, after;
	struct mself me;
	unsigned long hz, t0, t1;
	long svc, client, calls, harts, total = 0;

	test_start("concurrent_same_service");
	sys_self(&me);
	client = me.pid;
	calls = test_arg("calls", 100000);
	harts = test_harts();
	CHECK(harts >= 1 && harts <= MAX_HARTS);
	warm_up(harts);
	stats_snapshot(&before);
	svc = sys_spawn("/svc_echo", 0);
	CHECK(svc > 0);

	t0 = sys_clock(&hz);
	for (long i = 0; i < harts; i++) {
		workers[i] = (struct hammer){
			.svc = svc, .client = client, .calls = calls, .op = ECHO_CALL, .lane = i
		};
		tids[i] = thread_spawn(i, hammer, (long)&workers[i]);
		CHECK_OK(tids[i]);
	}
	for (long i = 0; i < harts; i++) {
		long v = -1;

		CHECK_EQ(sys_thread_join(tids[i], &v), 0);
		CHECK_EQ(v, 0);
		hammer_check(&workers[i], i);
		total += workers[i].ok;
	}
	t1 = sys_clock(NULL);
	CHECK_EQ(total, harts * calls);
	printf("concurrent_same_service: %ld harts x %ld calls in %lu ms of guest time\n", harts,
	       calls, (t1 - t0) * 1000 / hz);

	/*
	 * Only the service is left beside us: one process and one thread
	 * more (joined threads go after an epoch grace period, so poll).
	 */
	t0 = sys_clock(NULL);
	for (;;) {
		sys_stats(&after);
		if (after.procs == before.procs + 1 && after.threads == before.threads + 1)
			break;
		if (sys_clock(NULL) - t0 > STATS_SETTLE_SECONDS * hz)
			test_fail("after the joins: %ld processes, %ld threads; want %ld, %ld",
				  after.procs, after.threads, before.procs + 1, before.threads + 1);
		sys_yield();
	}
	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &total), 0);
	CHECK_EQ(total, EXIT_KILLED);
	stats_settle(&before);
	test_pass();
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every hart calls a service of its own: one /svc_smp_count process per
 * hart, and a thread pinned to each hart makes `n` (default 20000)
 * ipc_req calls into its hart's service only, checking every reply
 * (status, responder, checksum of the words and of our pid, the
 * service's pid, depth 1). No call may err, each thread stays on its
 * hart, and each service answered exactly the calls made to it, as its
 * own count (a query call) says. Then the services are killed and free
 * pages, processes and threads are back where they were.
 *
 * With 2 * harts threads alive at once the activation slots (global,
 * lowest first) may reach into a 2 MiB table our process did not need
 * before, which it then keeps while it lives (docs/ipc.md, "Tables under
 * the activation window"). So a warm-up round of one call a hart runs
 * before the snapshot, its callers all alive at once like the real
 * round's.
 */
#include <test.h>

#include "proto/echo.h"

#define MAX_HARTS 64

static struct hammer workers[MAX_HARTS];
static long tids[MAX_HARTS];
static long client, calls, harts, go;
static unsigned long hz;

/* One round: a service and a pinned caller per hart, `calls` calls each. */
static void run_round(int report)
{
	struct ipc_reply r;
	unsigned long t0, t1;
	long total = 0, status;

	for (long i = 0; i < harts; i++) {
		/* Every caller is alive before any starts: all slots are taken at once. */
		workers[i] = (struct hammer){
			.client = client, .calls = calls, .op = ECHO_CALL, .lane = i, .go = &go
		};
		workers[i].svc = sys_spawn("/svc_smp_count", 0);
		CHECK(workers[i].svc > 0);
		for (long j = 0; j < i; j++)
			CHECK(workers[j].svc != workers[i].svc);
	}

	go = 0;
	for (long i = 0; i < harts; i++) {
		tids[i] = thread_spawn(i, hammer, (long)&workers[i]);
		CHECK_OK(tids[i]);
	}
	t0 = sys_clock(NULL);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (long i = 0; i < harts; i++) {
		long v = -1;

		CHECK_EQ(sys_thread_join(tids[i], &v), 0);
		CHECK_EQ(v, 0);
		hammer_check(&workers[i], i);
		total += workers[i].ok;
	}
	t1 = sys_clock(NULL);
	CHECK_EQ(total, harts * calls);
	if (report)
		printf("smp_distinct_services: %ld harts x %ld calls in %lu ms of guest time\n",
		       harts, calls, (t1 - t0) * 1000 / hz);

	/* Each service answered exactly its own hart's calls, no more, no fewer. */
	for (long i = 0; i < harts; i++) {
		struct hammer *w = &workers[i];

		r = (struct ipc_reply){ -1, { -1, -1, -1, -1 } };
		CHECK_EQ(ipc_req(w->svc, ECHO_COUNT, 0, 0, 0, &r), 0);
		CHECK_EQ(r.pid, w->svc);
		if (r.d[0] != w->made)
			test_fail("service of hart %ld (pid %ld) answered %ld calls; %ld were made",
				  i, w->svc, r.d[0], w->made);
	}
	for (long i = 0; i < harts; i++) {
		status = -1;
		CHECK_EQ(sys_kill(workers[i].svc), 0);
		CHECK_EQ(sys_wait(workers[i].svc, &status), 0);
		CHECK_EQ(status, EXIT_KILLED);
	}
}

int main(void)
{
	struct mstats before;
	struct mself me;

	test_start("smp_distinct_services");
	sys_self(&me);
	client = me.pid;
	harts = test_harts();
	CHECK(harts >= 1 && harts <= MAX_HARTS);
	sys_clock(&hz);

	calls = 1;
	run_round(0);
	stats_snapshot(&before);
	calls = test_arg("n", 20000);
	run_round(1);
	stats_settle(&before);
	test_pass();
	return 0;
}

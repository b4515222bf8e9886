/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every hart calls one service at once: a thread pinned to each hart
 * makes `n` (default 20000) ipc_req calls into a single /svc_smp_count,
 * each with different words, and checks every reply (status, responder,
 * checksum of the words and of our pid, the service's pid, depth 1). The
 * calls made must equal the calls that succeeded and the calls the
 * service counted; none may err; each thread stays on its hart. After
 * the joins only the service's thread is left beside ours, and once it
 * is killed free pages, processes and threads are back where they were.
 */
#include <test.h>

#include "proto/echo.h"

#define MAX_HARTS 64

static struct hammer workers[MAX_HARTS];
static long tids[MAX_HARTS];

int main(void)
{
	struct mstats before, now;
	struct ipc_reply r;
	struct mself me;
	unsigned long hz, t0, t1;
	long svc, client, calls, harts, made = 0, ok = 0, status = -1;

	test_start("smp_same_service");
	sys_self(&me);
	client = me.pid;
	calls = test_arg("n", 20000);
	harts = test_harts();
	CHECK(harts >= 1 && harts <= MAX_HARTS);
	sys_clock(&hz);
	stats_snapshot(&before);
	svc = sys_spawn("/svc_smp_count", 0);
	CHECK(svc > 0);

	t0 = sys_clock(NULL);
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
		made += workers[i].made;
		ok += workers[i].ok;
	}
	t1 = sys_clock(NULL);
	CHECK_EQ(made, harts * calls);
	CHECK_EQ(ok, made);
	CHECK_EQ(ipc_req(svc, ECHO_COUNT, 0, 0, 0, &r), 0);
	CHECK_EQ(r.pid, svc);
	CHECK_EQ(r.d[0], made);
	printf("smp_same_service: %ld harts x %ld calls in %lu ms of guest time\n", harts, calls,
	       (t1 - t0) * 1000 / hz);

	/*
	 * Every worker is gone: beside us only the service's process and its
	 * one thread are left (joined threads go after an epoch grace
	 * period, so poll).
	 */
	t0 = sys_clock(NULL);
	for (;;) {
		sys_stats(&now);
		if (now.procs == before.procs + 1 && now.threads == before.threads + 1)
			break;
		if (sys_clock(NULL) - t0 > STATS_SETTLE_SECONDS * hz)
			test_fail("after the joins: %ld processes, %ld threads; want %ld, %ld",
				  now.procs, now.threads, before.procs + 1, before.threads + 1);
		sys_yield();
	}
	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &status), 0);
	CHECK_EQ(status, EXIT_KILLED);
	stats_settle(&before);
	test_pass();
	return 0;
}

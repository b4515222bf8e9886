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

#define MAX_HARTS 64

struct worker {
	long tid, ok, bad, first_bad, hart_before, hart_after;
	long bad_status, bad_word;
};

static struct worker workers[MAX_HARTS];
static long svc, client, calls;

static long checksum(long a, long b, long c, long d)
{
	return (a * 31 + b) * 31 + c * 7 + (d ^ 0x5a5a);
}

static long hammer(long i)
{
	struct worker *w = &workers[i];
	struct mself me;
	struct ipc_reply r;

	sys_self(&me);
	w->hart_before = me.hart;
	for (long k = 0; k < calls; k++) {
		long d1 = (i << 40) | k, d2 = ~k * 0x9e3779b9l, d3 = k ^ (i << 20);
		long st = ipc_req(svc, 0, d1, d2, d3, &r);

		if (st == 0 && r.pid == svc && r.d[0] == checksum(client, d1, d2, d3) &&
		    r.d[1] == client && r.d[2] == svc && r.d[3] == 1) {
			w->ok++;
			continue;
		}
		if (!w->bad++) {
			w->first_bad = k;
			w->bad_status = st;
			w->bad_word = r.d[0];
		}
	}
	sys_self(&me);
	w->hart_after = me.hart;
	return 0;
}

int main(void)
{
	struct mstats before, after;
	struct mself me;
	unsigned long hz, t0, t1;
	long harts, total = 0;

	test_start("concurrent_same_service");
	sys_self(&me);
	client = me.pid;
	calls = test_arg("calls", 100000);
	harts = test_harts();
	CHECK(harts >= 1 && harts <= MAX_HARTS);
	stats_snapshot(&before);
	svc = sys_spawn("/svc_echo", 0);
	CHECK(svc > 0);

	t0 = sys_clock(&hz);
	for (long i = 0; i < harts; i++) {
		workers[i].tid = thread_spawn(i, hammer, i);
		CHECK_OK(workers[i].tid);
	}
	for (long i = 0; i < harts; i++) {
		struct worker *w = &workers[i];
		long v = -1;

		CHECK_EQ(sys_thread_join(w->tid, &v), 0);
		CHECK_EQ(v, 0);
		if (w->bad)
			test_fail("hart %ld: %ld of %ld calls wrong, first #%ld: status %ld word %lx",
				  i, w->bad, calls, w->first_bad, w->bad_status, w->bad_word);
		if (w->ok != calls)
			test_fail("hart %ld: %ld of %ld calls succeeded", i, w->ok, calls);
		if (w->hart_before != i || w->hart_after != i)
			test_fail("thread for hart %ld ran on %ld, then %ld", i, w->hart_before,
				  w->hart_after);
		total += w->ok;
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

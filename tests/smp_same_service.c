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

#define MAX_HARTS 64
#define COUNT_ECHO  0
#define COUNT_QUERY 1

struct worker {
	long tid, made, ok, bad, first_bad, bad_status, bad_word;
	long hart_before, hart_after;
} __attribute__((aligned(64)));

static struct worker workers[MAX_HARTS];
static long svc, client, calls;

static long checksum(long a, long b, long c, long d)
{
	return (a * 31 + b) * 31 + c * 7 + (d ^ 0x5a5a);
}

static long hammer(long i)
{
	struct worker *w = &workers[i];
	struct ipc_reply r;
	struct mself me;

	sys_self(&me);
	w->hart_before = me.hart;
	for (long k = 0; k < calls; k++) {
		long d1 = (i << 40) | k, d2 = ~k * 0x9e3779b9l + i, d3 = k ^ (i << 20);
		long st;

		r = (struct ipc_reply){ -1, { -1, -1, -1, -1 } };
		st = ipc_req(svc, COUNT_ECHO, d1, d2, d3, &r);
		w->made++;
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
	struct mstats before, now;
	struct ipc_reply r;
	struct mself me;
	unsigned long hz, t0, t1;
	long harts, made = 0, ok = 0, status = -1;

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
		if (w->made != calls || w->ok != calls)
			test_fail("hart %ld: %ld calls made, %ld succeeded; want %ld", i, w->made,
				  w->ok, calls);
		if (w->hart_before != i || w->hart_after != i)
			test_fail("thread for hart %ld ran on %ld, then %ld", i, w->hart_before,
				  w->hart_after);
		made += w->made;
		ok += w->ok;
	}
	t1 = sys_clock(NULL);
	CHECK_EQ(made, harts * calls);
	CHECK_EQ(ok, made);
	CHECK_EQ(ipc_req(svc, COUNT_QUERY, 0, 0, 0, &r), 0);
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

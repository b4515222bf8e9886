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

#define MAX_HARTS 64
#define COUNT_ECHO  0
#define COUNT_QUERY 1

struct worker {
	long tid, svc, made, ok, bad, first_bad, bad_status, bad_pid, bad_word;
	long hart_before, hart_after;
} __attribute__((aligned(64)));

static struct worker workers[MAX_HARTS];
static long client, calls, harts, go;
static unsigned long hz;

static long checksum(long a, long b, long c, long d)
{
	return (a * 31 + b) * 31 + c * 7 + (d ^ 0x5a5a);
}

static long hammer(long i)
{
	struct worker *w = &workers[i];
	struct ipc_reply r;
	struct mself me;
	long svc = w->svc;

	/* Every caller is alive before any starts: all slots are taken at once. */
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		sys_yield();
	sys_self(&me);
	w->hart_before = me.hart;
	for (long k = 0; k < calls; k++) {
		long d1 = (i << 40) | k, d2 = k * 0x9e3779b97f4a7c15l - i, d3 = ~k ^ (i << 24);
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
			w->bad_pid = r.pid;
			w->bad_word = r.d[0];
		}
	}
	sys_self(&me);
	w->hart_after = me.hart;
	return 0;
}

/* One round: a service and a pinned caller per hart, `calls` calls each. */
static void run_round(int report)
{
	struct ipc_reply r;
	unsigned long t0, t1;
	long total = 0, status;

	for (long i = 0; i < harts; i++) {
		workers[i] = (struct worker){ 0 };
		workers[i].svc = sys_spawn("/svc_smp_count", 0);
		CHECK(workers[i].svc > 0);
		for (long j = 0; j < i; j++)
			CHECK(workers[j].svc != workers[i].svc);
	}

	go = 0;
	for (long i = 0; i < harts; i++) {
		workers[i].tid = thread_spawn(i, hammer, i);
		CHECK_OK(workers[i].tid);
	}
	t0 = sys_clock(NULL);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (long i = 0; i < harts; i++) {
		struct worker *w = &workers[i];
		long v = -1;

		CHECK_EQ(sys_thread_join(w->tid, &v), 0);
		CHECK_EQ(v, 0);
		if (w->bad)
			test_fail("hart %ld: %ld of %ld calls wrong, first #%ld: status %ld "
				  "reply.pid %ld (want %ld) word %lx",
				  i, w->bad, calls, w->first_bad, w->bad_status, w->bad_pid, w->svc,
				  w->bad_word);
		if (w->made != calls || w->ok != calls)
			test_fail("hart %ld: %ld calls made, %ld succeeded; want %ld", i, w->made,
				  w->ok, calls);
		if (w->hart_before != i || w->hart_after != i)
			test_fail("thread for hart %ld ran on %ld, then %ld", i, w->hart_before,
				  w->hart_after);
		total += w->ok;
	}
	t1 = sys_clock(NULL);
	CHECK_EQ(total, harts * calls);
	if (report)
		printf("smp_distinct_services: %ld harts x %ld calls in %lu ms of guest time\n",
		       harts, calls, (t1 - t0) * 1000 / hz);

	/* Each service answered exactly its own hart's calls, no more, no fewer. */
	for (long i = 0; i < harts; i++) {
		struct worker *w = &workers[i];

		r = (struct ipc_reply){ -1, { -1, -1, -1, -1 } };
		CHECK_EQ(ipc_req(w->svc, COUNT_QUERY, 0, 0, 0, &r), 0);
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

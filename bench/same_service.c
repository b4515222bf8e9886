/*
 * same-service throughput: a thread pinned to each hart calls one null
 * service as fast as it can for `ms` milliseconds of guest time (the
 * timebase), after a warm-up. Prints the calls and the rate:
 *   BENCH same-service harts=<H> calls=<N> ms=<T> calls_per_sec=<R>
 * With `distinct=1` each hart calls its own service instead.
 */
#include <migrant.h>
#include <test.h>

#define MAX_HARTS 64

static long svc[MAX_HARTS];
static long nsvc;
static volatile long measuring;
static volatile unsigned long deadline = ~0ul;

/* Calls in batches of 64; only calls made while measuring count. */
static long caller(long hart)
{
	struct ipc_reply r;
	long to = svc[hart % nsvc], calls = 0;

	while (sys_clock(NULL) < deadline) {
		for (int i = 0; i < 64; i++)
			if (ipc_req(to, i, 0, 0, 0, &r) != 0 || r.d[0] != i + 1)
				return -1;
		if (measuring)
			calls += 64;
	}
	return calls;
}

int main(void)
{
	struct mstats s;
	struct ipc_reply r;
	long tids[MAX_HARTS], total = 0;
	unsigned long hz, start;

	long ms = test_arg("ms", 2000), distinct = test_arg("distinct", 0);

	sys_stats(&s);
	long harts = s.harts < MAX_HARTS ? s.harts : MAX_HARTS;
	nsvc = distinct ? harts : 1;
	for (long i = 0; i < nsvc; i++) {
		svc[i] = sys_spawn("/svc_null", 0);
		ipc_req(svc[i], -1, 0, 0, 0, &r);
	}
	sys_clock(&hz);
	for (long i = 0; i < harts; i++)
		tids[i] = thread_spawn(i, caller, i);
	/* Warm-up (200 ms): every caller reaches its loop and parks its frame. */
	start = sys_clock(NULL);
	while (sys_clock(NULL) < start + hz / 5)
		sys_yield();
	start = sys_clock(NULL);
	deadline = start + (unsigned long)ms * hz / 1000;
	measuring = 1;
	for (long i = 0; i < harts; i++) {
		long calls = 0;

		sys_thread_join(tids[i], &calls);
		if (calls < 0) {
			printf("BENCH same-service error on hart %ld\n", i);
			return 1;
		}
		total += calls;
	}
	unsigned long elapsed = deadline - start;
	printf("BENCH %s harts=%ld calls=%ld ms=%lu calls_per_sec=%lu\n",
	       distinct ? "distinct-services" : "same-service", harts, total,
	       elapsed * 1000 / hz, (unsigned long)total * hz / (elapsed ? elapsed : 1));
	for (long i = 0; i < nsvc; i++)
		sys_kill(svc[i]);
	return 0;
}

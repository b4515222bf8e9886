/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Migration scenarios: the null round trip, a request two deep, calls
 * alternating between two services, the first call into a fresh process,
 * a req/fwd/kick chain through three services, one service shared by every
 * hart, a service per hart, and a service that does real work per call.
 */
#include "bench.h"
#include "svc/relay.h"

static long svc[BENCH_MAX_HARTS];
static long nsvc;
static long work_expect;

long bench_spawn_service(const char *path)
{
	struct ipc_reply r;
	long pid = sys_spawn(path, 0);

	if (pid < 0) {
		printf("bench: spawn(%s) failed: %ld\n", path, pid);
		return pid;
	}
	/* A handler that calls nothing needs one page of activation (see svc_null). */
	long st = ipc_req(pid, -1, 0, 0, 0, &r);
	if (st < 0) {
		printf("bench: ipc_req(%ld, NULL_SHRINK) into %s failed: %ld (reply pid %ld)\n", pid,
		       path, st, r.pid);
		return st;
	}
	return pid;
}

static long spawn_services(long n, const char *path)
{
	for (nsvc = 0; nsvc < n; nsvc++) {
		svc[nsvc] = bench_spawn_service(path);
		if (svc[nsvc] < 0)
			return svc[nsvc];
	}
	return 0;
}

static void kill_services(long harts)
{
	(void)harts;
	while (nsvc > 0)
		sys_kill(svc[--nsvc]);
}

static long setup_one(long harts)
{
	(void)harts;
	return spawn_services(1, "/svc_null");
}

static long setup_per_hart(long harts)
{
	return spawn_services(harts, "/svc_null");
}

static long null_call(long to, long i)
{
	struct ipc_reply r;

	return ipc_req(to, i, 0, 0, 0, &r) != 0 || r.d[0] != i + 1;
}

static long op_shared(long hart, long i)
{
	(void)hart;
	return null_call(svc[0], i);
}

/*
 * The latency loop's body is the bare call, as in kmi's null benchmark:
 * it checks the status, and the warm-up and same-service check the words.
 */
static long op_null(long hart, long i)
{
	struct ipc_reply r;

	(void)hart;
	return ipc_req(svc[0], i, 0, 0, 0, &r);
}

static long op_own(long hart, long i)
{
	return null_call(svc[hart], i);
}

/*
 * A call that did not come back as it should: said on the console, so the
 * driver's test_fail that follows is not the only trace of it, and kept
 * out of line so that the measured loops stay as they are.
 */
static __attribute__((noinline, cold)) long call_failed(const char *what, long to, long st,
						       const struct ipc_reply *r, long want_d0,
						       long want_pid)
{
	printf("bench: %s: ipc_req(%ld) returned %ld, reply pid %ld d0 %ld (want 0, pid %ld, d0 %ld)\n",
	       what, to, st, r->pid, r->d[0], want_pid, want_d0);
	return 1;
}

/*
 * ipc-depth2: we req relay 0, which reqs relay 1, which responds; relay 0
 * responds with its answer. Two frames deep, both parked between calls.
 */
static long setup_depth2(long harts)
{
	(void)harts;
	return spawn_services(2, "/svc_relay");
}

static long op_depth2(long hart, long i)
{
	struct ipc_reply r;
	long st = ipc_req(svc[0], RELAY_HOPS(RELAY_REQ, RELAY_END), i, svc[1], 0, &r);

	(void)hart;
	/* Each relay adds one; relay 0 answers, so the reply names it. */
	if (st != 0 || r.d[0] != i + 2 || r.pid != svc[0])
		return call_failed("ipc-depth2", svc[0], st, &r, i + 2, svc[0]);
	return 0;
}

/*
 * ipc-alt: two null services called in turn. The frame parked at depth 1
 * is always the other service's, so no call reuses it: every one takes it
 * back from the other service and maps an activation afresh (the slow path).
 */
static long setup_alt(long harts)
{
	(void)harts;
	return spawn_services(2, "/svc_null");
}

static long op_alt(long hart, long i)
{
	struct ipc_reply r;
	long to = svc[i & 1];
	long st = ipc_req(to, i, 0, 0, 0, &r);

	(void)hart;
	if (st != 0 || r.d[0] != i + 1 || r.pid != to)
		return call_failed("ipc-alt", to, st, &r, i + 1, to);
	return 0;
}

/*
 * first-call: spawn a null service, count its first call only, kill it and
 * wait for it. The call finds no frame parked there and no table mapped
 * under its activation window, and the service keeps its default
 * reservation (ACT_DEFAULT): what the first call into any process costs.
 * With counted NULL (throughput) the whole cycle is the operation.
 */
static long first_call(long i, unsigned long *counted)
{
	struct ipc_reply r;
	long status = -1, pid = sys_spawn("/svc_null", 0);

	if (pid < 0) {
		printf("bench: first-call: spawn(/svc_null) failed: %ld\n", pid);
		return 1;
	}
	/* Its main thread starts and blocks now, at one hart not inside the count. */
	sys_yield();
	unsigned long start = bench_instret();
	long st = ipc_req(pid, i, 0, 0, 0, &r);
	unsigned long end = bench_instret();

	if (counted)
		*counted += end - start;
	long bad = st != 0 || r.d[0] != i + 1 || r.pid != pid;

	if (bad)
		call_failed("first-call", pid, st, &r, i + 1, pid);
	long k = sys_kill(pid), w = sys_wait(pid, &status);

	if (k != 0 || w != 0 || status != EXIT_KILLED) {
		printf("bench: first-call: kill(%ld) %ld, wait %ld, status %#lx (want 0, 0, %#x)\n", pid,
		       k, w, status, EXIT_KILLED);
		bad = 1;
	}
	return bad;
}

static long op_first_call(long hart, long i)
{
	(void)hart;
	return first_call(i, NULL);
}

/* The chain: we req relay 0, which fwds to relay 1, which kicks to relay 2. */
static long setup_chain(long harts)
{
	(void)harts;
	return spawn_services(3, "/svc_relay");
}

static long op_chain(long hart, long i)
{
	struct ipc_reply r;
	long hops = RELAY_HOPS(RELAY_FWD, RELAY_KICK);

	(void)hart;
	/* The kick skips relay 1 on the way back, so relay 2 answers relay 0. */
	return ipc_req(svc[0], hops, i, svc[1], svc[2], &r) != 0 || r.d[0] != i + 3 ||
	       r.pid != svc[0];
}

static long setup_work(long harts)
{
	struct ipc_reply r;
	long st = spawn_services(1, "/svc_work");

	(void)harts;
	if (st < 0)
		return st;
	/* Every call hashes the same buffer, so one answer checks them all. */
	st = ipc_req(svc[0], 0, 0, 0, 0, &r);
	if (st < 0)
		printf("bench: first ipc_req(%ld) into /svc_work failed: %ld\n", svc[0], st);
	work_expect = r.d[0];
	return st;
}

static long op_work(long hart, long i)
{
	struct ipc_reply r;

	(void)hart;
	return ipc_req(svc[0], i, 0, 0, 0, &r) != 0 || r.d[0] != (work_expect ^ i);
}

const struct scenario sc_ipc_null = {
	.name = "ipc-null", .setup = setup_one, .op = op_null, .teardown = kill_services,
	.calls = 1,
};
/* req into relay 0, req from there into relay 1. */
const struct scenario sc_ipc_depth2 = {
	.name = "ipc-depth2", .setup = setup_depth2, .op = op_depth2, .teardown = kill_services,
	.calls = 2,
};
const struct scenario sc_ipc_alt = {
	.name = "ipc-alt", .setup = setup_alt, .op = op_alt, .teardown = kill_services, .calls = 1,
};
/*
 * One call into each fresh process; a spawn, kill and wait of its own
 * around each, so 200 rounds after 20 (more than 5,000 spawns at one hart
 * under -icount would take minutes).
 */
const struct scenario sc_first_call = {
	.name = "first-call", .setup = bench_setup_none, .op = op_first_call,
	.teardown = bench_teardown_none, .calls = 1, .op_counted = first_call, .lat_rounds = 200,
	.lat_warmup = 20,
};
/* req into relay 0, fwd into relay 1, kick (a tail) into relay 2. */
const struct scenario sc_ipc_chain = {
	.name = "ipc-chain", .setup = setup_chain, .op = op_chain, .teardown = kill_services,
	.calls = 3,
};
const struct scenario sc_same_service = {
	.name = "same-service", .setup = setup_one, .op = op_shared, .teardown = kill_services,
	.calls = 1,
};
const struct scenario sc_distinct_services = {
	.name = "distinct-services", .setup = setup_per_hart, .op = op_own,
	.teardown = kill_services, .calls = 1,
};
const struct scenario sc_service_work = {
	.name = "service-work", .setup = setup_work, .op = op_work, .teardown = kill_services,
	.calls = 1,
};

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Migration scenarios: the null round trip, a req/fwd/kick chain through
 * three services, one service shared by every hart, a service per hart,
 * and a service that does real work per call.
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

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmark driver. tools/bench.py boots it as `test=bench` with
 *
 *   mode=throughput|latency|ops  scenarios=NAME[@DELAY],...  runs=R  ms=M  rounds=N
 *   ops=N  warmup=W
 *
 * Throughput: per scenario, one worker per hart (pinned) repeats the
 * scenario's operation, pausing about DELAY instructions after each, for
 * a window of M ms of guest time (the timebase); a warm-up window first,
 * then R measured ones. Latency: N operations on this hart alone, counted
 * in retired instructions (exact under QEMU -icount; on hardware, instret);
 * a scenario may count only a part of each (first-call: the call, not the
 * spawn, kill and wait around it) and run fewer rounds (lat_rounds).
 * Ops: one worker per hart does W operations, waits for the others, then
 * does exactly N more between markers that the coherence plugin
 * (tools/coherence/, docs/coherence.md) counts inside; the same work on
 * every hart however the host schedules the harts.
 *
 * With profile=1 (a PROFILE=1 kernel, `make profile`) the measured windows
 * run under the profiler, whose dump follows the scenario's BENCH lines.
 * With trace=1 (mode=ops, a TRACE=1 kernel, `make trace`) the window runs
 * under the tracer, and BENCH-CALLS and the tracer's dump follow.
 *
 * Without arguments it is a smoke run: every scenario once, for 100 ms.
 *
 * Output, one line each (README "make bench" explains them):
 *   BENCH-CONFIG harts=H hz=HZ mode=M runs=R ms=T
 *   BENCH <scenario> harts=H run=I ops=N ticks=T hz=HZ
 *   BENCH <scenario> harts=1 instructions=X.XX
 *   BENCH-OPS <scenario> harts=H ops=N
 *   BENCH-CALLS <scenario> harts=H calls=C
 *   BENCH-DONE
 */
#include <test.h>
#include "bench.h"

#define BATCH 16
#define LEAD_MS 50               /* for every worker to reach its loop */
#define LATENCY_WARMUP 500

static const struct scenario *const scenarios[] = {
	&sc_ipc_null, &sc_ipc_depth2, &sc_ipc_alt, &sc_first_call, &sc_ipc_chain, &sc_same_service,
	&sc_distinct_services, &sc_service_work, &sc_thread_churn, &sc_shm_churn, &sc_notify,
};

/* Set before the workers start and only read while they run. */
static const struct scenario *cur;
static long cur_delay, cur_ops, cur_warmup, cur_harts;
/* Workers in ops mode that finished their warm-up. */
static long warmed;
static unsigned long win_start, win_end;
static long driver_pid;
/* Forked workers report here, each by a call into this process (migrant_serve). */
static long reported[BENCH_MAX_HARTS];

long bench_setup_none(long harts)
{
	(void)harts;
	return 0;
}

void bench_teardown_none(long harts)
{
	(void)harts;
}

/* The delay between operations: two instructions per turn. */
static void pause_for(long instructions)
{
	for (long i = 0; i < instructions / 2; i++)
		__asm__ volatile("" ::: "memory");
}

/* The harness's own cost per operation, which latency takes out. */
static long op_none(long hart, long i)
{
	(void)hart;
	(void)i;
	return 0;
}

static long (*volatile calibrate)(long, long) = op_none;

/* Operations done in batches; a batch counts if it started inside the window. */
static long worker(long hart)
{
	unsigned long now;
	long ops = 0, i = 0;

	while ((now = sys_clock(NULL)) < win_end) {
		for (int b = 0; b < BATCH; b++, i++) {
			if (cur->op(hart, i) != 0)
				return -1;
			pause_for(cur_delay);
		}
		if (now >= win_start)
			ops += BATCH;
	}
	return ops;
}

/*
 * The coherence plugin's markers: `slti x0, x0, IMM` is a HINT (rd = x0),
 * a no-op that compilers never emit, so the plugin can spot it by its
 * encoding when QEMU translates it. Start and stop bound this hart's
 * window; op ends one operation.
 */
#define MARK_START() __asm__ volatile("slti x0, x0, 0x7c1" ::: "memory")
#define MARK_OP() __asm__ volatile("slti x0, x0, 0x7c2" ::: "memory")
#define MARK_STOP() __asm__ volatile("slti x0, x0, 0x7c3" ::: "memory")

/* A fixed count of operations between markers, after a warm-up and a barrier. */
static long ops_worker(long hart)
{
	for (long i = 0; i < cur_warmup; i++)
		if (cur->op(hart, i) != 0)
			return -1;
	/* Threads share `warmed`, so all windows open together; forked workers cannot. */
	if (!cur->own_process) {
		__atomic_add_fetch(&warmed, 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&warmed, __ATOMIC_SEQ_CST) < cur_harts)
			;
	}
	MARK_START();
	for (long i = 0; i < cur_ops; i++) {
		if (cur->op(hart, cur_warmup + i) != 0)
			return -1;
		pause_for(cur_delay);
		MARK_OP();
	}
	MARK_STOP();
	return cur_ops;
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d2;
	(void)d3;
	if (d0 >= 0 && d0 < BENCH_MAX_HARTS)
		reported[d0] = d1;
	ipc_resp(0, 0, 0, 0);
}

static __attribute__((noreturn)) void forked_worker(long hart)
{
	struct ipc_reply r;

	if (sys_thread_pin(hart) != 0)
		sys_exit(2);
	long ops = cur_ops ? ops_worker(hart) : worker(hart);
	sys_exit(ipc_req(driver_pid, hart, ops, 0, 0, &r) == 0 ? 0 : 3);
}

/* Every worker's operation count for one window, summed; -1 on a wrong result. */
static long run_window(long harts)
{
	long ids[BENCH_MAX_HARTS], total = 0, bad = 0;

	for (long h = 0; h < harts; h++) {
		reported[h] = -1;
		ids[h] = cur->own_process ? sys_fork() : thread_spawn(h, cur_ops ? ops_worker : worker, h);
		if (ids[h] == 0)
			forked_worker(h);
		if (ids[h] < 0)
			test_fail("%s: starting worker %ld: %ld", cur->name, h, ids[h]);
	}
	for (long h = 0; h < harts; h++) {
		long v = -1;

		if (cur->own_process) {
			sys_wait(ids[h], &v);
			v = v == 0 ? reported[h] : -1;
		} else {
			sys_thread_join(ids[h], &v);
		}
		if (v < 0)
			bad = 1;
		total += v;
	}
	return bad ? -1 : total;
}

static long profile_op(long op)
{
	return sys_profile(op);
}

/* The profiler starts and stops per hart, so a thread visits each one. */
static void profile_harts(long harts, long op)
{
	long h = test_each_hart(harts, profile_op, op);

	if (h >= 0)
		test_fail("profile op %ld failed on hart %ld", op, h);
}

static long trace_op(long op)
{
	return sys_trace(op);
}

/* The tracer too: its buffers are per hart, and only a hart writes its own. */
static void trace_harts(long harts, long op)
{
	long h = test_each_hart(harts, trace_op, op);

	if (h >= 0)
		test_fail("trace op %ld failed on hart %ld", op, h);
}

static void run_throughput(const char *name, long harts, long runs, long ms, unsigned long hz,
			   bool profile)
{
	long err = cur->setup(harts);

	if (err < 0)
		test_fail("%s: setup failed: %ld", name, err);
	/* Run 0 is the warm-up: frames parked, caches and TLBs filled. */
	for (long run = 0; run <= runs; run++) {
		if (profile && run == 1)
			profile_harts(harts, PROFILE_START);
		win_start = sys_clock(NULL) + hz * LEAD_MS / 1000;
		win_end = win_start + hz * (unsigned long)ms / 1000;
		long ops = run_window(harts);

		if (ops < 0)
			test_fail("%s: a worker saw a wrong result", name);
		if (run > 0)
			printf("BENCH %s harts=%ld run=%ld ops=%ld ticks=%lu hz=%lu\n", name, harts, run,
			       ops, win_end - win_start, hz);
	}
	if (profile) {
		profile_harts(harts, PROFILE_STOP);
		sys_profile(PROFILE_DUMP);
	}
	cur->teardown(harts);
}

/*
 * With trace on, the window runs traced, and the dump follows the count
 * of migrations it made, which tools/trace.py checks the trace against:
 * the scenario's per operation, warm-up included, and in a forked
 * worker's scenario each worker's one report into the driver.
 */
static void run_ops(const char *name, long harts, bool trace)
{
	long err = cur->setup(harts);

	if (err < 0)
		test_fail("%s: setup failed: %ld", name, err);
	warmed = 0;
	cur_harts = harts;
	if (trace)
		trace_harts(harts, TRACE_START);
	if (run_window(harts) != cur_ops * harts)
		test_fail("%s: a worker saw a wrong result", name);
	if (trace)
		trace_harts(harts, TRACE_STOP);
	printf("BENCH-OPS %s harts=%ld ops=%ld\n", name, harts, cur_ops);
	if (trace) {
		printf("BENCH-CALLS %s harts=%ld calls=%ld\n", name, harts,
		       harts * ((cur_warmup + cur_ops) * cur->calls + cur->own_process));
		sys_trace(TRACE_DUMP);
	}
	cur->teardown(harts);
}

/* What op_counted's own counting costs: instret read twice around nothing. */
static unsigned long count_nothing(void)
{
	unsigned long start = bench_instret();

	return bench_instret() - start;
}

/*
 * A scenario that counts only part of its operation: the sum of those
 * parts, less what reading the counter costs, averaged over the rounds.
 */
static void run_latency_counted(const char *name, long rounds, long warmup)
{
	unsigned long counted = 0, reads = 0;

	for (long i = 0; i < warmup; i++)
		if (cur->op_counted(i, &counted) != 0)
			test_fail("%s: wrong result in warm-up", name);
	counted = 0;
	for (long i = 0; i < rounds; i++) {
		reads += count_nothing();
		if (cur->op_counted(warmup + i, &counted) != 0)
			test_fail("%s: wrong result in round %ld", name, i);
	}
	if (counted <= reads)
		test_fail("%s: counted %lu instructions in %ld rounds, no more than the counter's own %lu",
			  name, counted, rounds, reads);
	counted -= reads;
	printf("BENCH %s harts=1 instructions=%lu.%02lu\n", name, counted / rounds,
	       counted % rounds * 100 / rounds);
}

static void run_latency(const char *name, long rounds)
{
	unsigned long start, loop, total;
	long warmup = LATENCY_WARMUP;

	/* Heavy operations run fewer rounds; rounds=N still lowers it (iprofile's 3 and 103). */
	if (cur->lat_rounds) {
		warmup = cur->lat_warmup;
		if (rounds > cur->lat_rounds)
			rounds = cur->lat_rounds;
	}
	long err = cur->setup(1);

	if (err < 0)
		test_fail("%s: setup failed: %ld", name, err);
	if (cur->op_counted) {
		run_latency_counted(name, rounds, warmup);
		cur->teardown(1);
		return;
	}
	for (long i = 0; i < warmup; i++)
		if (cur->op(0, i) != 0)
			test_fail("%s: wrong result in warm-up", name);
	/* The same loop calling an operation that does nothing. */
	start = bench_instret();
	for (long i = 0; i < rounds; i++)
		if (calibrate(0, i) != 0)
			test_fail("%s: calibration", name);
	loop = bench_instret() - start;
	start = bench_instret();
	for (long i = 0; i < rounds; i++)
		if (cur->op(0, i) != 0)
			test_fail("%s: wrong result", name);
	total = bench_instret() - start - loop;
	printf("BENCH %s harts=1 instructions=%lu.%02lu\n", name, total / rounds,
	       total % rounds * 100 / rounds);
	cur->teardown(1);
}

/* "name" or "name@delay": the scenario and the pause after each operation. */
static const struct scenario *find_scenario(const char *spec, long *delay)
{
	size_t n = 0;

	while (spec[n] && spec[n] != '@')
		n++;
	*delay = 0;
	if (spec[n] == '@')
		for (const char *p = spec + n + 1; *p >= '0' && *p <= '9'; p++)
			*delay = *delay * 10 + (*p - '0');
	for (size_t i = 0; i < ARRAY_LEN(scenarios); i++)
		if (strlen(scenarios[i]->name) == n && !memcmp(scenarios[i]->name, spec, n))
			return scenarios[i];
	return NULL;
}

int main(void)
{
	char mode[16] = "throughput";
	char list[CMDLINE_MAX] = "ipc-null,ipc-depth2,ipc-alt,first-call,ipc-chain,same-service,"
				 "distinct-services@500,service-work,thread-churn,shm-churn,notify";
	struct mself me;
	unsigned long hz;

	test_start("bench");
	test_arg_str("mode", mode, sizeof(mode));
	test_arg_str("scenarios", list, sizeof(list));
	long runs = test_arg("runs", 1), ms = test_arg("ms", 100), rounds = test_arg("rounds", 5000);
	long harts = test_harts() < BENCH_MAX_HARTS ? test_harts() : BENCH_MAX_HARTS;
	bool latency = !strcmp(mode, "latency"), profile = test_arg("profile", 0) == 1;
	bool ops = !strcmp(mode, "ops"), trace = test_arg("trace", 0) == 1;

	if (runs < 1 || ms < 1 || rounds < 1)
		test_fail("runs, ms and rounds must be positive");
	if (trace && !ops)
		test_fail("trace=1 needs mode=ops: a fixed count of operations to check the trace by");
	if (ops) {
		cur_ops = test_arg("ops", 1000);
		cur_warmup = test_arg("warmup", 100);
		if (cur_ops < 1 || cur_warmup < 0)
			test_fail("ops must be positive and warmup not negative");
	}
	sys_self(&me);
	driver_pid = me.pid;
	sys_clock(&hz);
	printf("BENCH-CONFIG harts=%ld hz=%lu mode=%s runs=%ld ms=%ld\n", harts, hz, mode, runs, ms);
	for (char *spec = list, *next; *spec; spec = next) {
		next = spec;
		while (*next && *next != ',')
			next++;
		if (*next)
			*next++ = '\0';
		cur = find_scenario(spec, &cur_delay);
		if (!cur)
			test_fail("no scenario %s", spec);
		if (latency)
			run_latency(spec, rounds);
		else if (ops)
			run_ops(spec, harts, trace);
		else
			run_throughput(spec, harts, runs, ms, hz, profile);
	}
	printf("BENCH-DONE\n");
	test_pass();
}

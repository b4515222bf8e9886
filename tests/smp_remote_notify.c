/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signals and wakeups aimed at threads on other harts arrive exactly
 * once, and there.
 *
 * Signals: for each hart k but 0, a target (/svc_smp_sigtarget) whose
 * one thread pins itself to hart k and waits in sys_notify_wait. From
 * hart 0 we send `bits` (default 64) distinct bits one at a time, each
 * time waiting until the target's handler has counted it: every bit is
 * delivered exactly once, one delivery per send, each on hart k at depth
 * 1 with eid 0. Then all the bits again, sent back to back without
 * waiting: each is delivered exactly once (deliveries may merge bits),
 * and nothing more arrives afterwards.
 *
 * Wakeups: a thread on hart j blocks in sys_thread_join on a thread on
 * hart e (j, e distinct and not 0 when there are 3 harts or more; with
 * 2, e is 0), which exits with a value of its own after a delay (0, 1,
 * 5, 20 ms). The join returns once, with status 0 and that value, after
 * the exit; the joined thread is then gone. Meanwhile our main thread,
 * on hart 0, is blocked joining the joiner. Afterwards free pages,
 * processes and threads are back where they started.
 */
#include <test.h>

#include "proto/smp_sigtarget.h"

static long harts, nbits;
static unsigned long hz;

static long load(long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(long *p, long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static void pause_ms(unsigned long ms)
{
	unsigned long t0 = sys_clock(NULL);

	while (sys_clock(NULL) - t0 < ms * hz / 1000)
		sys_yield();
}

static void target_call(long target, long op, long arg, struct ipc_reply *r)
{
	long st = ipc_req(target, op, arg, 0, 0, r);

	if (st != 0 || r->pid != target)
		test_fail("call %lx into target %ld: %ld (reply.pid %ld)", op, target, st, r->pid);
}

/* Waits until every bit of want was delivered to target; fails after 5 s. */
static void wait_bits(long k, long target, unsigned long want, struct ipc_reply *r)
{
	unsigned long t0 = sys_clock(NULL);

	for (;;) {
		target_call(target, SIGT_BITS, 0, r);
		if (((unsigned long)r->d[0] & want) == want)
			return;
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("hart %ld: bits %lx delivered in 5 s, want %lx", k, r->d[0], want);
		sys_yield();
	}
}

static unsigned long bit_mask(long n)
{
	return n >= 64 ? ~0ul : (1ul << n) - 1;
}

static void signal_hart(long k)
{
	struct ipc_reply r;
	unsigned long t0, all = bit_mask(nbits);
	long target = sys_spawn("/svc_smp_sigtarget", 0), status = -1;

	CHECK(target > 0);
	target_call(target, SIGT_PIN, k, &r);
	t0 = sys_clock(NULL);
	for (;;) {
		target_call(target, SIGT_STATE, 0, &r);
		if (r.d[0] >= 0)
			break;
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("target for hart %ld did not pin itself in 5 s", k);
		sys_yield();
	}
	CHECK_EQ(r.d[0], k);
	/* Let it block in sys_notify_wait before the first bit. */
	pause_ms(5);

	/* One bit at a time: one delivery each, that bit only, on hart k. */
	for (long b = 0; b < nbits; b++) {
		CHECK_EQ(sys_notify(target, 1ul << b), 0);
		wait_bits(k, target, 1ul << b, &r);
		if ((unsigned long)r.d[0] != bit_mask(b + 1) || r.d[1] != 0 || r.d[2] != b + 1)
			test_fail("hart %ld, after bit %ld: bits %lx, twice %lx, %ld deliveries; "
				  "want %lx, 0, %ld", k, b, r.d[0], r.d[1], r.d[2], bit_mask(b + 1),
				  b + 1);
		target_call(target, SIGT_STATE, 0, &r);
		if (r.d[2] != 0)
			test_fail("hart %ld, bit %ld: %ld deliveries on the wrong hart, depth or eid",
				  k, b, r.d[2]);
	}

	/* All the bits again, back to back: each exactly once, merged or not. */
	target_call(target, SIGT_RESET, 0, &r);
	for (long b = 0; b < nbits; b++)
		CHECK_EQ(sys_notify(target, 1ul << b), 0);
	wait_bits(k, target, all, &r);
	pause_ms(20);
	target_call(target, SIGT_BITS, 0, &r);
	if ((unsigned long)r.d[0] != all || r.d[1] != 0 || r.d[2] < 1 || r.d[2] > nbits)
		test_fail("hart %ld, burst: bits %lx, twice %lx, %ld deliveries (bad hart %ld)", k,
			  r.d[0], r.d[1], r.d[2], r.d[3]);
	printf("smp_remote_notify: hart %ld: %ld bits one by one, then %ld sent at once in %ld "
	       "deliveries\n", k, nbits, nbits, r.d[2]);
	target_call(target, SIGT_STATE, 0, &r);
	if (r.d[2] != 0 || r.d[3] != 0)
		test_fail("hart %ld: %ld bad deliveries, notify_wait error %ld", k, r.d[2], r.d[3]);

	CHECK_EQ(sys_kill(target), 0);
	CHECK_EQ(sys_wait(target, &status), 0);
	CHECK_EQ(status, EXIT_KILLED);
}

/* The join wakeup: one joiner, one exiter, on distinct harts. */
static long exiter_tid, joiner_ready, exit_delay_ms, joins;
static long join_status, join_value, join_hart;
static unsigned long exit_time, join_time;

static long exiter(long value)
{
	while (!load(&joiner_ready))
		;
	pause_ms((unsigned long)load(&exit_delay_ms));
	exit_time = sys_clock(NULL);
	return value;
}

static long joiner(long unused)
{
	struct mself me;
	long v = -1, st;

	(void)unused;
	sys_self(&me);
	store(&join_hart, me.hart);
	store(&joiner_ready, 1);
	st = sys_thread_join(load(&exiter_tid), &v);
	join_time = sys_clock(NULL);
	__atomic_add_fetch(&joins, 1, __ATOMIC_SEQ_CST);
	store(&join_status, st);
	store(&join_value, v);
	return 0;
}

static void join_wakeup(long j, long e, long delay, long value)
{
	long jt, v = -1;

	store(&joiner_ready, 0);
	store(&joins, 0);
	store(&join_status, 12345);
	store(&exit_delay_ms, delay);
	exiter_tid = thread_spawn(e, exiter, value);
	CHECK_OK(exiter_tid);
	jt = thread_spawn(j, joiner, 0);
	CHECK_OK(jt);
	CHECK_EQ(sys_thread_join(jt, &v), 0);
	CHECK_EQ(v, 0);
	if (load(&joins) != 1 || load(&join_status) != 0 || load(&join_value) != value ||
	    load(&join_hart) != j)
		test_fail("join on hart %ld of a thread on hart %ld (%ld ms): %ld returns, status "
			  "%ld, value %ld (want %ld), ran on hart %ld", j, e, delay, load(&joins),
			  load(&join_status), load(&join_value), value, load(&join_hart));
	CHECK(join_time >= exit_time);
	CHECK_EQ(sys_thread_join(exiter_tid, &v), E_NOENT);
	CHECK_EQ(sys_thread_kill(exiter_tid), E_NOENT);
}

int main(void)
{
	static const long delays[] = { 0, 1, 5, 20 };
	struct mstats before;
	unsigned long t0;
	long n = 0;

	test_start("smp_remote_notify");
	harts = test_harts();
	CHECK(harts >= 2);
	nbits = test_arg("bits", 64);
	CHECK(nbits >= 1 && nbits <= 64);
	sys_clock(&hz);
	CHECK_EQ(sys_thread_pin(0), 0);
	stats_snapshot(&before);

	t0 = sys_clock(NULL);
	for (long k = 1; k < harts; k++)
		signal_hart(k);
	printf("smp_remote_notify: signals to %ld harts in %lu ms of guest time\n", harts - 1,
	       (sys_clock(NULL) - t0) * 1000 / hz);

	t0 = sys_clock(NULL);
	for (long j = 1; j < harts; j++) {
		long e = harts >= 3 ? j % (harts - 1) + 1 : 0;

		for (unsigned d = 0; d < ARRAY_LEN(delays); d++, n++)
			join_wakeup(j, e, delays[d], 1000 + 17 * n);
	}
	printf("smp_remote_notify: %ld join wakeups in %lu ms of guest time\n", n,
	       (sys_clock(NULL) - t0) * 1000 / hz);
	stats_settle(&before);
	test_pass();
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_abort of a thread of our own that is blocked in wait or
 * thread_join rather than in a migration: the call returns E_KILLED and
 * changes nothing, so the child is still there to wait for and the thread
 * still there to join. The stress fuzzer found a driver that gave up at
 * the first E_KILLED (a sibling client had aborted the one undoing its
 * spawn) and left a zombie behind; this pins down what the kernel
 * promises a caller that tries again.
 */
#include "slow.h"

#define UNSET 12345

/* What the thread under test calls: sys_wait or sys_thread_join, on target. */
static long (*blocking_call)(long, long *);
static long target;
static long interrupted, result = UNSET, got = -1;
static int release;

static void publish(long *where, long v)
{
	__atomic_store_n(where, v, __ATOMIC_SEQ_CST);
}

static long peek(long *where)
{
	return __atomic_load_n(where, __ATOMIC_SEQ_CST);
}

/* Calls as the stress driver does now: again after every E_KILLED. */
static long call_until_done(long unused)
{
	long v = -1, r;

	(void)unused;
	while ((r = blocking_call(target, &v)) == E_KILLED)
		__atomic_fetch_add(&interrupted, 1, __ATOMIC_SEQ_CST);
	publish(&got, v);
	publish(&result, r);
	return 0;
}

static long held(long value)
{
	while (!__atomic_load_n(&release, __ATOMIC_SEQ_CST))
		sys_yield();
	return value;
}

/*
 * An abort that lands before the thread blocks is spent at its next
 * return to user mode, so keep aborting until a call gives up. Then,
 * with no more aborts, the thread must block again: the aborted call
 * reaped or joined nothing.
 */
static void abort_blocked(long tid, const char *what)
{
	unsigned long hz, t0 = sys_clock(&hz);

	while (peek(&interrupted) == 0 && peek(&result) == UNSET) {
		CHECK_EQ(ipc_abort(tid), 0);
		if (sys_clock(NULL) - t0 > 2 * hz)
			test_fail("%s: not interrupted 2 s after the first abort", what);
		sys_yield();
	}
	for (int i = 0; i < 50; i++)
		sys_yield();
	if (peek(&result) != UNSET)
		test_fail("%s: returned %ld while its target lives", what, peek(&result));
}

/* Starts call_until_done on call(t), on the last hart. */
static long start_blocked(long (*call)(long, long *), long t, long harts)
{
	long tid;

	publish(&interrupted, 0);
	publish(&result, UNSET);
	publish(&got, -1);
	blocking_call = call;
	target = t;
	tid = thread_spawn(harts - 1, call_until_done, 0);
	CHECK_OK(tid);
	return tid;
}

static void check_wait(long harts)
{
	long child = spawn_slow(), tid = start_blocked(sys_wait, child, harts), v = -1;

	abort_blocked(tid, "wait");
	CHECK_EQ(sys_kill(child), 0);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(peek(&result), 0);
	CHECK_EQ(peek(&got), EXIT_KILLED);
	CHECK_EQ(sys_wait(child, &v), E_NOENT);
}

static void check_join(long harts)
{
	long joinee, tid, v = -1;

	__atomic_store_n(&release, 0, __ATOMIC_SEQ_CST);
	joinee = thread_spawn(HART_ANY, held, 77);
	CHECK_OK(joinee);
	tid = start_blocked(sys_thread_join, joinee, harts);
	abort_blocked(tid, "thread_join");
	__atomic_store_n(&release, 1, __ATOMIC_SEQ_CST);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(peek(&result), 0);
	CHECK_EQ(peek(&got), 77);
	CHECK_EQ(sys_thread_join(joinee, &v), E_NOENT);
}

int main(void)
{
	struct mstats before;
	long harts = test_harts();

	test_start("abort_wait");
	stats_snapshot(&before);
	for (int round = 0; round < 3; round++) {
		check_wait(harts);
		check_join(harts);
	}
	stats_settle(&before);
	test_pass();
	return 0;
}

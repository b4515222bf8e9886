/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * thread_race: kills and aborts aimed at the tid the next thread_create
 * will get, as spawn_race does for pids. Tids are predictable (the id
 * table hands out fresh slots in order), and a new thread is in the table
 * before it has first run. A kill that lands then must end it cleanly: it
 * is joined like any other, and nothing it took (its blocks, its
 * activation pages, its slot) is kept.
 *
 * The main thread creates and joins a thread ROUNDS times on hart 0; a
 * racer on each other hart (up to RACERS; one beside it at 1 hart) kills
 * the predicted tid on even rounds and aborts it on odd ones. Every create
 * must succeed, every join must return, every kill and abort must succeed
 * or find nothing. At the end free pages, processes and threads are back
 * where they started.
 */
#include <test.h>

#define ROUNDS 400
#define RACERS 3

static volatile long target, round_no, done;
static long kills_in, aborts_in;

static long quick(long v)
{
	return v;
}

static long racer(long unused)
{
	(void)unused;
	while (!done) {
		long tid = target, st;

		if (tid <= 0) {
			sys_yield();
			continue;
		}
		if (round_no % 2 == 0) {
			st = sys_thread_kill(tid);
			if (st == 0)
				__atomic_fetch_add(&kills_in, 1, __ATOMIC_RELAXED);
			else if (st != E_NOENT)
				test_fail("round %ld: thread_kill(%ld) returned %ld", round_no, tid, st);
		} else {
			st = ipc_abort(tid);
			if (st == 0)
				__atomic_fetch_add(&aborts_in, 1, __ATOMIC_RELAXED);
			else if (st != E_NOENT && st != E_INVAL)
				test_fail("round %ld: ipc_abort(%ld) returned %ld", round_no, tid, st);
		}
		if (test_harts() == 1)
			sys_yield();
	}
	return 0;
}

int main(void)
{
	struct mstats before;
	long harts = test_harts(), prev, tid[RACERS], nracers = 0, v;

	test_start("thread_race");
	if (harts > 1)
		CHECK_EQ(sys_thread_pin(0), 0);
	do {
		tid[nracers] = thread_spawn(harts > 1 ? 1 + nracers : HART_ANY, racer, 0);
		CHECK(tid[nracers] > 0);
		nracers++;
	} while (nracers < RACERS && nracers < harts - 1);
	/* The first create names the slot the next ones follow. */
	prev = thread_spawn(0, quick, 0);
	CHECK(prev > 0);
	CHECK_EQ(sys_thread_join(prev, NULL), 0);
	stats_snapshot(&before);
	for (round_no = 0; round_no < ROUNDS; round_no++) {
		long t;

		target = prev + 1;
		t = thread_spawn(HART_ANY, quick, round_no);
		if (t <= 0)
			test_fail("round %ld: thread_create returned %ld", round_no, t);
		while ((v = sys_thread_join(t, NULL)) == E_KILLED)
			;
		if (v != 0)
			test_fail("round %ld: join of %ld returned %ld", round_no, t, v);
		prev = t;
		if (harts == 1)
			sys_yield();
	}
	target = 0;
	stats_settle(&before);
	done = 1;
	while (nracers > 0)
		CHECK_EQ(sys_thread_join(tid[--nracers], &v), 0);
	printf("thread_race: %d rounds, %ld kills and %ld aborts landed\n", ROUNDS, kills_in,
	       aborts_in);
	test_pass();
}

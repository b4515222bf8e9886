/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spawn_race: calls and kills aimed at the pid the next spawn will get.
 * Pids are predictable (a fresh slot of the process table, generation 1),
 * and a new process is in that table before its image and first thread
 * exist. A process must refuse entry, signals and kill (E_NOENT) until
 * spawn has built it: before that rule, an ipc_req that won the race
 * entered a half-loaded image (a kernel trap at 2 harts: scause 5, stval
 * the direct map's base), and a kill that won it killed a process spawn
 * was still building.
 *
 * The main thread spawns /svc_null ROUNDS times on hart 0; a racer thread
 * on each other hart (up to RACERS) calls the predicted pid on even rounds
 * and kills it on odd ones, until the round ends. Every spawn must succeed; every call must be answered (0,
 * d0 + 1), refused (E_NOENT) or cut short by the kill (E_DIED); every
 * kill must succeed or find nothing (E_NOENT). At the end free pages,
 * processes and threads are back where they started.
 */
#include <test.h>
#include "proto/null.h"

#define ROUNDS 400
#define RACERS 3                /* at most, one a hart beside the spawner's */

static volatile long target, round_no, done;
static long calls_in, kills_in;           /* atomic: racers on several harts count */

static void check_call(long pid)
{
	struct ipc_reply r;
	long st = ipc_req(pid, 41, 0, 0, 0, &r);

	if (st == 0) {
		if (r.d[0] != 42)
			test_fail("round %ld: pid %ld answered %ld, want 42", round_no, pid, r.d[0]);
		__atomic_fetch_add(&calls_in, 1, __ATOMIC_RELAXED);
	} else if (st != E_NOENT && st != E_DIED) {
		test_fail("round %ld: ipc_req(%ld) returned %ld", round_no, pid, st);
	}
}

static void check_kill(long pid)
{
	long st = sys_kill(pid);

	if (st == 0)
		__atomic_fetch_add(&kills_in, 1, __ATOMIC_RELAXED);
	else if (st != E_NOENT)
		test_fail("round %ld: kill(%ld) returned %ld", round_no, pid, st);
}

/* Aims at whatever pid the main thread predicts, calls on even rounds, kills on odd ones. */
static long racer(long unused)
{
	(void)unused;
	while (!done) {
		long pid = target, r = round_no;

		if (pid <= 0)
			continue;
		if (r % 2 == 0)
			check_call(pid);
		else
			check_kill(pid);
	}
	return 0;
}

int main(void)
{
	struct mstats before;
	long harts = test_harts(), prev, tid[RACERS], nracers = 0, v = -1;

	test_start("spawn_race");
	/* Spawner on hart 0, racer on hart 1. */
	if (harts > 1)
		CHECK_EQ(sys_thread_pin(0), 0);
	/* The first spawn names the slot the next ones follow. */
	prev = sys_spawn("/svc_null", 0);
	CHECK(prev > 0);
	CHECK_EQ(sys_kill(prev), 0);
	CHECK_EQ(sys_wait(prev, NULL), 0);
	stats_snapshot(&before);
	do {
		tid[nracers] = thread_spawn(harts > 1 ? 1 + nracers : HART_ANY, racer, 0);
		CHECK(tid[nracers] > 0);
		nracers++;
	} while (nracers < RACERS && nracers < harts - 1);
	for (round_no = 0; round_no < ROUNDS; round_no++) {
		long pid, status;

		target = prev + 1;
		pid = sys_spawn("/svc_null", 0);
		if (pid <= 0)
			test_fail("round %ld: spawn returned %ld", round_no, pid);
		if (pid != prev + 1)
			printf("spawn_race: round %ld got pid %ld, predicted %ld\n", round_no, pid, prev + 1);
		sys_kill(pid);
		CHECK_EQ(sys_wait(pid, &status), 0);
		prev = pid;
		if (harts == 1)
			sys_yield();
	}
	done = 1;
	while (nracers > 0)
		CHECK_EQ(sys_thread_join(tid[--nracers], &v), 0);
	printf("spawn_race: %d rounds, %ld calls answered, %ld kills landed\n", ROUNDS, calls_in,
	       kills_in);
	stats_settle(&before);
	test_pass();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exec_race: a service calls exec while clients on other harts keep
 * calling it. A call that arrives while the exec is under way is refused
 * with E_BUSY, changing nothing; calls already inside finish in the old
 * image, and the exec waits for them; then every call enters the new one
 * (docs/ipc.md, "exec"). Before, exec refused with E_BUSY whenever a call
 * was inside, and one that slipped in after its check ran on in the old
 * image as it was destroyed: at 2 harts the service stopped answering
 * (E_NOENT), at 4 the test hung.
 *
 * Each round spawns /svc_exec (tests/proto/exec.h), starts a client on
 * every other hart (one beside the test at 1 hart), signals the service
 * to exec /svc_null once every client has had old answers, and ends when
 * each client has had NEW_CALLS answers from the new image. Every reply
 * must be the old image's (before any new one), the new image's, or
 * E_BUSY; the exec must finish within ROUND_SECONDS of guest time.
 *
 * A last round holds a call inside the service for good: the exec must
 * wait for it, closed (calls get E_BUSY), and a kill must end the wait:
 * the held call gets E_DIED and the service EXIT_KILLED. At the end free
 * pages, processes and threads are back where they started.
 */
#include <test.h>
#include "proto/exec.h"

#define ROUNDS 12
#define CLIENTS 3               /* at most, one a hart beside the test's */
#define OLD_CALLS 8             /* old answers each client has before the signal */
#define NEW_CALLS 50
#define ROUND_SECONDS 30

static volatile long svc, round_no;
static long old_in, busy_in, new_in;     /* atomic: clients on several harts count */
static long ready;                       /* atomic: clients that had OLD_CALLS old answers */

static unsigned long now_s(void)
{
	unsigned long hz, t = sys_clock(&hz);

	return t / hz;
}

/* A call the old image cannot have answered: the service died. Say how. */
static void fail_dead(long lane, long st)
{
	long status = -1;

	if (sys_wait(svc, &status) == 0 && (status & EXEC_FAILED) && status < EXIT_KILLED)
		test_fail("round %ld, client %ld: call returned %ld; the service's exec failed with %ld",
			  round_no, lane, st, -(status & 0x7f));
	test_fail("round %ld, client %ld: call returned %ld; the service exited with 0x%lx", round_no,
		  lane, st, status);
}

static long client(long lane)
{
	long old = 0, busy = 0, fresh = 0, n = 0;
	unsigned long start = now_s();

	while (fresh < NEW_CALLS) {
		struct ipc_reply r;
		long d0 = lane << 32 | n++;
		long st = ipc_req(svc, d0, 0, 0, 0, &r);

		if (st == 0 && r.d[0] == d0 + EXEC_OLD_STEP && fresh == 0) {
			if (++old == OLD_CALLS)
				__atomic_fetch_add(&ready, 1, __ATOMIC_RELAXED);
		} else if (st == 0 && r.d[0] == d0 + 1) {
			fresh++;
		} else if (st == E_BUSY) {
			busy++;
		} else if (st == E_NOENT || st == E_DIED) {
			fail_dead(lane, st);
		} else {
			test_fail("round %ld, client %ld: call %ld returned %ld, d0 %ld (sent %ld, %ld new before)",
				  round_no, lane, n, st, r.d[0], d0, fresh);
		}
		if (now_s() - start > ROUND_SECONDS)
			test_fail("round %ld, client %ld: no exec after %d s: %ld old, %ld busy, %ld new answers",
				  round_no, lane, ROUND_SECONDS, old, busy, fresh);
	}
	__atomic_fetch_add(&old_in, old, __ATOMIC_RELAXED);
	__atomic_fetch_add(&busy_in, busy, __ATOMIC_RELAXED);
	__atomic_fetch_add(&new_in, fresh, __ATOMIC_RELAXED);
	return 0;
}

static void run_round(long harts)
{
	long tid[CLIENTS], nclients = 0, status = -1, v = -1;

	svc = sys_spawn("/svc_exec", 0);
	CHECK(svc > 0);
	ready = 0;
	do {
		tid[nclients] = thread_spawn(harts > 1 ? 1 + nclients : HART_ANY, client, nclients);
		CHECK(tid[nclients] > 0);
		nclients++;
	} while (nclients < CLIENTS && nclients < harts - 1);
	while (__atomic_load_n(&ready, __ATOMIC_RELAXED) < nclients)
		sys_yield();
	CHECK_EQ(sys_notify(svc, 1), 0);
	while (nclients > 0)
		CHECK_EQ(sys_thread_join(tid[--nclients], &v), 0);
	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &status), 0);
	CHECK_EQ(status, EXIT_KILLED);
}

static long hold_call(long unused)
{
	struct ipc_reply r;

	(void)unused;
	return ipc_req(svc, EXEC_HOLD, 0, 0, 0, &r);
}

/* Calls svc with d0 until the reply's status is want_st, failing after ROUND_SECONDS. */
static long call_until(long d0, long want_st, long want_d0, const char *what)
{
	unsigned long start = now_s();
	struct ipc_reply r;
	long st;

	do {
		st = ipc_req(svc, d0, 0, 0, 0, &r);
		if (st == want_st && (st != 0 || r.d[0] == want_d0))
			return st;
		if (st == 0 && r.d[0] == d0 + 1)
			test_fail("held round: the exec finished with a call inside");
		sys_yield();
	} while (now_s() - start <= ROUND_SECONDS);
	test_fail("held round: no %s after %d s: last call returned %ld, d0 %ld", what, ROUND_SECONDS, st,
		  r.d[0]);
}

static void run_held(long harts)
{
	long tid, st = 0, status = -1;

	svc = sys_spawn("/svc_exec", 0);
	CHECK(svc > 0);
	tid = thread_spawn(harts > 1 ? 1 : HART_ANY, hold_call, 0);
	CHECK(tid > 0);
	call_until(EXEC_HOLDING, 0, 1, "held call inside");
	CHECK_EQ(sys_notify(svc, 1), 0);
	call_until(7, E_BUSY, 0, "E_BUSY while the exec waits");
	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_thread_join(tid, &st), 0);
	CHECK_EQ(st, E_DIED);
	CHECK_EQ(sys_wait(svc, &status), 0);
	CHECK_EQ(status, EXIT_KILLED);
}

int main(void)
{
	struct mstats before;
	long harts = test_harts();

	test_start("exec_race");
	if (harts > 1)
		CHECK_EQ(sys_thread_pin(0), 0);
	stats_snapshot(&before);
	for (round_no = 0; round_no < ROUNDS; round_no++)
		run_round(harts);
	run_held(harts);
	printf("exec_race: %d rounds, %ld old, %ld busy, %ld new answers\n", ROUNDS, old_in, busy_in,
	       new_in);
	stats_settle(&before);
	test_pass();
}

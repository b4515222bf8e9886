/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exec_fail_root: an exec that fails after building its new image must
 * leave the caller's root activation as it was. exec maps the root
 * activation into the new space before it waits for the calls inside;
 * before the fix the root frame then kept its entries in the new space,
 * which the failed exec destroyed: when the thread later exited, its
 * unmap wrote zeros into that freed page-table page, by then handed to
 * someone else (found by the fuzzer as one page gone at a quiescent point:
 * a page table that lost entries loses its frames).
 *
 * The test and /svc_execbusy (tests/proto/execbusy.h) run on hart 0, so
 * the pages the failed exec gives back are the next ones the test's
 * mem_alloc gets. A call makes the service's exec fail with E_BUSY; the
 * test then fills ALLOC bytes of fresh memory with a pattern, has the
 * service exit, and checks that every word is still its own. Each round
 * also checks free pages, processes and threads come back. Each step
 * says so on the console, so a run that hangs shows which one it was in.
 */
#include <test.h>
#include "proto/execbusy.h"

#define ROUNDS 4
#define ALLOC  (1ul << 20)

static unsigned long pattern(long round, unsigned long i)
{
	return 0x5eed000000000000ul ^ (unsigned long)round << 40 ^ i;
}

/* Waits, in the service's own terms, for its exec to have returned. */
static long exec_result(long pid)
{
	struct ipc_reply r;

	for (int i = 0; i < 10000; i++) {
		long st = ipc_req(pid, EB_STATUS, 0, 0, 0, &r);

		/* E_BUSY: the exec is still under way, closed to calls. */
		if (st != E_BUSY)
			CHECK_EQ(st, 0);
		if (st == 0 && r.d[0] != EB_PENDING)
			return r.d[0];
		sys_yield();
	}
	test_fail("the service's exec never returned");
}

static void run_round(long round)
{
	struct ipc_reply r;
	struct mstats before;
	volatile unsigned long *m;
	long pid, status;

	stats_snapshot(&before);
	pid = sys_spawn("/svc_execbusy", R_NOTIFY);
	CHECK(pid > 0);
	printf("exec_fail_root: round %ld: service %ld up\n", round, pid);
	CHECK_EQ(ipc_req(pid, EB_CALL, 0, 0, 0, &r), 0);
	CHECK(r.d[0] > 0);
	CHECK_EQ(exec_result(pid), E_BUSY);
	printf("exec_fail_root: round %ld: its exec failed with E_BUSY\n", round);
	m = (volatile unsigned long *)sys_mem_alloc(ALLOC);
	CHECK((long)m > 0);
	for (unsigned long i = 0; i < ALLOC / 8; i++)
		m[i] = pattern(round, i);
	CHECK_EQ(sys_notify(pid, EB_SIG_EXIT), 0);
	CHECK_EQ(sys_wait(pid, &status), 0);
	CHECK_EQ(status, EB_EXITED);
	printf("exec_fail_root: round %ld: it exited\n", round);
	for (unsigned long i = 0; i < ALLOC / 8; i++)
		if (m[i] != pattern(round, i))
			test_fail("round %ld: word %lu of fresh memory (page %lu, offset %lu) changed to "
				  "0x%lx when the service exited", round, i, i * 8 / 4096, i * 8 % 4096,
				  m[i]);
	CHECK_EQ(sys_mem_free((void *)m, ALLOC), 0);
	stats_settle(&before);
}

int main(void)
{
	test_start("exec_fail_root");
	if (test_harts() > 1)
		CHECK_EQ(sys_thread_pin(0), 0);
	for (long round = 0; round < ROUNDS; round++)
		run_round(round);
	test_pass();
}

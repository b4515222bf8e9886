/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * notify_tail: tail, fwd and kick from a notification handler. A handler's
 * frame ends only by responding, which resumes the context it interrupted,
 * and it was entered by the kernel (eid 0): all three are refused with
 * E_INVAL. Before, an ipc_tail from a timer handler running on a client's
 * thread borrowed by the service replaced the handler's frame, so the
 * interrupted context was lost and the client resumed at pc 0 (EXIT_FAULT
 * | 12); the same from a process's own signal handler.
 *
 * The test calls /svc_timertail, whose call arms the thread's timer and
 * waits for its handler (tests/proto/timertail.h), twice; then its own
 * signal handler tries ipc_tail. Both services must still answer, and
 * free pages, processes and threads must be back at the end.
 */
#include <test.h>
#include "proto/timertail.h"

static long null_pid;
static volatile long sig_tail = 1, sig_runs;

void migrant_signal(unsigned long bits)
{
	struct ipc_reply r;

	(void)bits;
	sig_tail = ipc_tail(null_pid, 41, 0, 0, 0, &r);
	sig_runs++;
}

static void call_timertail(long svc, int round)
{
	struct ipc_reply r;

	CHECK_EQ(ipc_req(svc, null_pid, 0, 0, 0, &r), 0);
	if (r.d[3] != 1)
		test_fail("round %d: the timer's handler ran %ld times on the borrowed thread", round, r.d[3]);
	if (r.d[0] != E_INVAL || r.d[1] != E_INVAL || r.d[2] != E_INVAL)
		test_fail("round %d: from a timer handler: tail %ld, fwd %ld, kick %ld; want %d each", round,
			  r.d[0], r.d[1], r.d[2], E_INVAL);
}

int main(void)
{
	struct mstats before;
	struct mself me;
	struct ipc_reply r;
	long svc, status;
	unsigned long start;

	test_start("notify_tail");
	stats_snapshot(&before);
	null_pid = sys_spawn("/svc_null", 0);
	CHECK(null_pid > 0);
	svc = sys_spawn("/svc_timertail", 0);
	CHECK(svc > 0);
	call_timertail(svc, 1);
	call_timertail(svc, 2);

	sys_self(&me);
	CHECK_EQ(sys_notify(me.pid, 1), 0);
	for (start = sys_clock(NULL); !sig_runs && sys_clock(NULL) - start < TIMERTAIL_GIVE_UP;)
		sys_yield();
	CHECK_EQ(sig_runs, 1);
	CHECK_EQ(sig_tail, E_INVAL);

	CHECK_EQ(ipc_req(null_pid, 41, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], 42);
	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &status), 0);
	CHECK_EQ(sys_kill(null_pid), 0);
	CHECK_EQ(sys_wait(null_pid, &status), 0);
	stats_settle(&before);
	test_pass();
}

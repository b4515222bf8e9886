/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_abort brings a thread of our own process back from a call that
 * never returns: the server spins forever in user mode, or blocks in
 * sys_notify_wait, or the thread is two servers deep. Each time the
 * thread's ipc_req returns E_ABORTED within a second of guest time, and
 * the server the call sat in never resumes past it. Only the thread's own
 * process may abort it: from a helper process (our thread migrated into
 * it) ipc_abort gives E_PERM; our own tid gives E_INVAL, bad tids E_INVAL
 * or E_NOENT. The stuck servers can then be killed and nothing leaks.
 */
#include "slow.h"

#define NO_STATUS 12345

static long job_target, job_d0, job_d1, job_d2, job_d3;
static long job_status = NO_STATUS;
static unsigned long job_returned;

static long stuck(long unused)
{
	struct ipc_reply r;
	long st;

	(void)unused;
	st = ipc_req(job_target, job_d0, job_d1, job_d2, job_d3, &r);
	job_returned = sys_clock(NULL);
	__atomic_store_n(&job_status, st, __ATOMIC_SEQ_CST);
	return 0;
}

/* Starts stuck() on another hart where there is one, waits until it sits in `inside`, aborts it. */
static void capture(const char *what, long inside, long helper, long d0, long d1, long d2, long d3)
{
	struct slow_status before_s, s;
	struct ipc_reply r;
	unsigned long hz, t_abort;
	long tid, v = -1, harts = test_harts();

	job_target = d0 == SLOW_CHAIN ? helper : inside;
	job_d0 = d0, job_d1 = d1, job_d2 = d2, job_d3 = d3;
	job_status = NO_STATUS;
	slow_status(inside, &before_s);
	tid = thread_spawn(harts > 1 ? harts - 1 : 0, stuck, 0);
	CHECK_OK(tid);
	wait_inside(inside, before_s.entries + 1, before_s.active + 1);

	/* Nobody else may abort it. */
	CHECK_EQ(ipc_req(helper, SLOW_ABORT, tid, 0, 0, &r), 0);
	if (r.d[0] != E_PERM)
		test_fail("%s: ipc_abort from another process: %ld, want E_PERM", what, r.d[0]);
	CHECK_EQ(__atomic_load_n(&job_status, __ATOMIC_SEQ_CST), NO_STATUS);

	sys_clock(&hz);
	t_abort = sys_clock(NULL);
	CHECK_EQ(ipc_abort(tid), 0);
	while (__atomic_load_n(&job_status, __ATOMIC_SEQ_CST) == NO_STATUS) {
		if (sys_clock(NULL) - t_abort > 2 * hz)
			test_fail("%s: no return 2 s after the abort", what);
		sys_yield();
	}
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(v, 0);
	if (job_status != E_ABORTED)
		test_fail("%s: ipc_req returned %ld, want E_ABORTED", what, job_status);
	if (job_returned - t_abort > hz)
		test_fail("%s: returned %lu ticks after the abort (hz %lu)", what,
			  job_returned - t_abort, hz);
	/* The call is gone from the server, which never ran past it. */
	slow_status(inside, &s);
	CHECK_EQ(s.entries, before_s.entries + 1);
	CHECK_EQ(s.done, before_s.done);
}

int main(void)
{
	struct mstats before;
	struct mself me;
	struct ipc_reply r;
	long s, h;

	test_start("capture_abort");
	sys_self(&me);
	stats_snapshot(&before);
	s = spawn_slow();
	h = spawn_slow();

	CHECK_EQ(ipc_abort(me.tid), E_INVAL);
	CHECK_EQ(ipc_abort(0), E_INVAL);
	CHECK_EQ(ipc_abort(-3), E_INVAL);
	CHECK_EQ(ipc_abort(0x7ffff001), E_NOENT);

	capture("spinning in user mode", s, h, SLOW_HANG_SPIN, 0, 0, 0);
	capture("blocked in sys_notify_wait", s, h, SLOW_HANG_WAIT, 0, 0, 0);
	/* Two deep: us -> h -> s; the abort returns to our call site, not to h. */
	capture("two servers deep", s, h, SLOW_CHAIN, s, 0, SLOW_WHAT(SLOW_HANG_SPIN, 0));
	CHECK_EQ(ipc_req(h, SLOW_SELF, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[3], 0);
	capture("two servers deep, blocked", s, h, SLOW_CHAIN, s, 0, SLOW_WHAT(SLOW_HANG_WAIT, 0));
	CHECK_EQ(ipc_req(h, SLOW_SELF, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[3], 0);

	/* Both servers still answer, and die normally. */
	CHECK_EQ(ipc_req(s, SLOW_SELF, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], s);
	kill_wait(s, EXIT_KILLED);
	kill_wait(h, EXIT_KILLED);
	stats_settle(&before);
	test_pass();
	return 0;
}

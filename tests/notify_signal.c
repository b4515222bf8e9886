/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signals reach a process on a thread in its root frame, once. The
 * target, /svc_sigtarget, has a single thread. While that thread is away
 * in a slow service (/svc_slow) we signal the target: nothing is delivered
 * until it is back at depth 0, then its handler runs once, at depth 1
 * with eid 0, with exactly the bits sent. Bits sent several times before
 * delivery merge into one delivery. A thread blocked in sys_notify_wait is
 * woken by a signal, its handler running before the wait returns. No
 * delivery is ever repeated. Plus the argument rules: E_INVAL for no
 * bits or a bad pid, E_NOENT for a process that is gone, E_PERM without
 * R_NOTIFY.
 */
#include "proto/sigtarget.h"
#include "slow.h"

#define AWAY_MS    300

static long target;
static unsigned long hz;

struct tstate {
	long phase, nsig, err, perm;
};

static void tstate(struct tstate *s)
{
	struct ipc_reply r;

	CHECK_EQ(ipc_req(target, SIG_STATE, 0, 0, 0, &r), 0);
	*s = (struct tstate){ r.d[0], r.d[1], r.d[2], r.d[3] };
}

static void tcall(long cmd, long arg, struct ipc_reply *r)
{
	CHECK_EQ(ipc_req(target, cmd, arg, 0, 0, r), 0);
	CHECK_EQ(r->pid, target);
}

static void wait_phase(long phase)
{
	unsigned long t0 = sys_clock(NULL);
	struct tstate s;

	for (;;) {
		tstate(&s);
		if (s.phase >= phase)
			return;
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("target stuck at phase %ld, want %ld", s.phase, phase);
		sys_yield();
	}
}

static void pause_ms(unsigned long ms)
{
	unsigned long t0 = sys_clock(NULL);

	while (sys_clock(NULL) - t0 < ms * hz / 1000)
		sys_yield();
}

/* Delivery i: bits, at depth 1 with eid 0, seen from main's phase `phase`. */
static void expect_delivery(long i, long bits, long phase)
{
	struct ipc_reply r;

	tcall(SIG_LOG, i, &r);
	if (r.d[0] != bits || r.d[1] != 1 || r.d[2] != 0 || r.d[3] != phase)
		test_fail("delivery %ld: bits %lx depth %ld eid %ld phase %ld; "
			  "want bits %lx depth 1 eid 0 phase %ld",
			  i, r.d[0], r.d[1], r.d[2], r.d[3], bits, phase);
}

/* Delivery i came after the slow call of round i + 1 ended, which was after we signalled. */
static void expect_after_return(long i, unsigned long sent)
{
	struct ipc_reply r;
	unsigned long delivered, call_end;

	tcall(SIG_TIME, i, &r);
	delivered = (unsigned long)r.d[0];
	call_end = (unsigned long)r.d[1];
	if (!(sent < call_end && call_end <= delivered))
		test_fail("delivery %ld: sent at %lu, the call ended at %lu, handler ran at %lu",
			  i, sent, call_end, delivered);
}

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	struct tstate ts;
	unsigned long sent;
	long s;

	test_start("notify_signal");
	sys_clock(&hz);
	stats_snapshot(&before);
	s = spawn_slow();
	target = sys_spawn("/svc_sigtarget", 0);
	CHECK(target > 0);

	CHECK_EQ(sys_notify(target, 0), E_INVAL);
	CHECK_EQ(sys_notify(0, 1), E_INVAL);
	CHECK_EQ(sys_notify(-4, 1), E_INVAL);
	CHECK_EQ(sys_notify(0x7ffff001, 1), E_NOENT);

	/* Round 1: signalled while away; delivered once, on its return. */
	CHECK_EQ(ipc_req(target, SIG_CONFIG, s, AWAY_MS, 0, &r), 0);
	wait_inside(s, 1, 1);
	sent = sys_clock(NULL);
	CHECK_EQ(sys_notify(target, 0x5), 0);
	wait_phase(SIG_BACK_1);
	tstate(&ts);
	CHECK_EQ(ts.nsig, 1);
	expect_delivery(0, 0x5, SIG_AWAY_1);
	expect_after_return(0, sent);

	/* Round 2: bits sent twice while away merge; one delivery. */
	tcall(SIG_GO, 2, &r);
	wait_inside(s, 2, 1);
	sent = sys_clock(NULL);
	CHECK_EQ(sys_notify(target, 0x4), 0);
	CHECK_EQ(sys_notify(target, 0x4), 0);
	CHECK_EQ(sys_notify(target, 0x10), 0);
	wait_phase(SIG_BACK_2);
	tstate(&ts);
	CHECK_EQ(ts.nsig, 2);
	expect_delivery(1, 0x14, SIG_AWAY_2);
	expect_after_return(1, sent);

	/* Round 3: blocked in sys_notify_wait, woken by the signal, handler first. */
	tcall(SIG_GO, 3, &r);
	wait_phase(SIG_WAITING);
	pause_ms(50);
	tstate(&ts);
	CHECK_EQ(ts.phase, SIG_WAITING);
	CHECK_EQ(ts.nsig, 2);
	CHECK_EQ(sys_notify(target, 0x100), 0);
	wait_phase(SIG_WOKEN);
	tstate(&ts);
	CHECK_EQ(ts.nsig, 3);
	expect_delivery(2, 0x100, SIG_WAITING);

	/* Exactly once: nothing more arrives. */
	pause_ms(100);
	tstate(&ts);
	CHECK_EQ(ts.nsig, 3);
	CHECK_EQ(ts.err, 0);
	CHECK_EQ(ts.perm, E_PERM);

	tcall(SIG_GO, 4, &r);
	wait_status(target, 0);
	CHECK_EQ(sys_notify(target, 1), E_NOENT);
	kill_wait(s, EXIT_KILLED);
	stats_settle(&before);
	test_pass();
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A service for the migration tests that spends time, hangs, faults or
 * calls on. The protocol is in tests/proto/slow.h.
 */
#include <migrant.h>

#include "../proto/slow.h"

static long entries, active, done, chains_back, gathered;
static unsigned long last_end;
static volatile unsigned long forever;

static void add(long *v, long n)
{
	__atomic_add_fetch(v, n, __ATOMIC_SEQ_CST);
}

static long get(long *v)
{
	return __atomic_load_n(v, __ATOMIC_SEQ_CST);
}

/* SLOW_SPIN's rounds of mixing (tests/proto/slow.h) until `ticks` have passed. */
static void spin_sum(unsigned long ticks, long *iters, unsigned long *sum)
{
	struct slow_mix m = SLOW_MIX_INIT;
	unsigned long t0 = sys_clock(NULL);
	long n = 0;

	do {
		for (int k = 0; k < 256; k++, n++)
			slow_mix_round(&m, n);
	} while (sys_clock(NULL) - t0 < ticks);
	*iters = n;
	*sum = slow_mix_sum(&m);
}

static void serve(long eid, long op, long d1, long d2, long d3);

/* sys_exit, made without the runtime's promise that it never returns. */
static void exit_or_say(long status)
{
	long r = sys_raw6(SYS_EXIT, status, 0, 0, 0, 0, 0);

	ipc_resp(SLOW_EXIT_RETURNED, r, 0, 0);
}

static void exit_together(long status, long n)
{
	unsigned long hz, t0 = sys_clock(&hz);

	add(&gathered, 1);
	while (get(&gathered) < n && sys_clock(NULL) - t0 < hz / 10)
		;
	exit_or_say(status);
}

static void chain(long eid, long next, long after, long what)
{
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	long st;

	if (next == 0)
		serve(eid, what & 0xff, what >> 8, 0, 0);
	st = ipc_req(next, SLOW_CHAIN, after, 0, what, &r);
	add(&chains_back, 1);
	if (st != 0 && st != E_DIED && st != E_ABORTED)
		r.pid = r.d[0] = r.d[1] = 0;
	ipc_resp(st, r.pid, r.d[0], r.d[1]);
}

static void serve(long eid, long op, long d1, long d2, long d3)
{
	struct mself me;
	unsigned long hz, sum;
	long iters, depth, depth_eid = -1;

	switch (op) {
	case SLOW_SPIN:
		add(&entries, 1);
		add(&active, 1);
		sys_clock(&hz);
		spin_sum((unsigned long)d1 * hz / 1000, &iters, &sum);
		add(&active, -1);
		add(&done, 1);
		__atomic_store_n(&last_end, sys_clock(NULL), __ATOMIC_SEQ_CST);
		ipc_resp(iters, (long)sum, (long)last_end, get(&done));
		break;
	case SLOW_HANG_SPIN:
		add(&entries, 1);
		add(&active, 1);
		for (;;)
			forever++;
	case SLOW_HANG_WAIT:
		add(&entries, 1);
		add(&active, 1);
		for (;;)
			sys_notify_wait();
	case SLOW_STATUS:
		ipc_resp(get(&entries), get(&active), get(&done),
			 (long)__atomic_load_n(&last_end, __ATOMIC_SEQ_CST));
		break;
	case SLOW_CHAIN:
		chain(eid, d1, d2, d3);
		break;
	case SLOW_ILLEGAL:
		add(&entries, 1);
		__asm__ volatile(".4byte 0");
		break;
	case SLOW_ABORT:
		ipc_resp(ipc_abort(d1), 0, 0, 0);
		break;
	case SLOW_EXIT:
		add(&entries, 1);
		exit_or_say(d1);
		break;
	case SLOW_EXIT_TOGETHER:
		add(&entries, 1);
		exit_together(d1, d2);
		break;
	case SLOW_THREAD_EXIT:
		ipc_resp(sys_raw6(SYS_THREAD_EXIT, 5, 0, 0, 0, 0, 0), 0, 0, 0);
		break;
	case SLOW_SELF:
		sys_self(&me);
		depth = ipc_depth(&depth_eid);
		ipc_resp(me.pid, depth, depth_eid, get(&chains_back));
		break;
	}
	ipc_resp(E_NOSYS, op, 0, 0);
	(void)d2;
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)tid;
	serve(eid, d0, d1, d2, d3);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

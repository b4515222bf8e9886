/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The signal target for notify_signal: one thread, which goes away into a
 * slow service twice and then waits in sys_notify_wait, each round when
 * its parent says so; its migrant_signal logs every delivery. The protocol
 * and the phases are in tests/proto/sigtarget.h.
 */
#include <migrant.h>

#include "../proto/sigtarget.h"
#include "../proto/slow.h"

static volatile long srv, ms, go = 1, phase, nsig, err, perm_status;
static volatile long log_bits[SIG_NLOG], log_depth[SIG_NLOG], log_eid[SIG_NLOG], log_phase[SIG_NLOG];
static volatile unsigned long log_time[SIG_NLOG], call_end[SIG_NLOG];

void migrant_signal(unsigned long bits)
{
	long i = nsig, eid = -1, depth = ipc_depth(&eid);

	if (i < SIG_NLOG) {
		log_bits[i] = (long)bits;
		log_depth[i] = depth;
		log_eid[i] = eid;
		log_phase[i] = phase;
		log_time[i] = sys_clock(NULL);
	}
	nsig = i + 1;
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	long i = d1 >= 0 && d1 < SIG_NLOG ? d1 : 0;

	(void)eid;
	(void)tid;
	(void)d3;
	switch (d0) {
	case SIG_CONFIG:
		ms = d2;
		srv = d1;
		ipc_resp(0, 0, 0, 0);
		break;
	case SIG_GO:
		go = d1;
		ipc_resp(0, 0, 0, 0);
		break;
	case SIG_STATE:
		ipc_resp(phase, nsig, err, perm_status);
		break;
	case SIG_LOG:
		ipc_resp(log_bits[i], log_depth[i], log_eid[i], log_phase[i]);
		break;
	case SIG_TIME:
		ipc_resp((long)log_time[i], (long)call_end[i], 0, 0);
		break;
	}
	ipc_resp(E_NOSYS, 0, 0, 0);
}

static void wait_go(long round)
{
	while (go < round)
		sys_yield();
}

/* Round `round`: away in the slow service at phase `base`, back at the next one. */
static void away(long round, long base)
{
	struct ipc_reply r;
	long st;

	wait_go(round);
	phase = base;
	st = ipc_req(srv, SLOW_SPIN, ms, 0, 0, &r);
	if (st != 0 && !err)
		err = 100 + round;
	call_end[round - 1] = (unsigned long)r.d[2];
	phase = base + 1;
}

int main(void)
{
	struct mself me;

	sys_self(&me);
	/* Without R_NOTIFY we may not signal anyone, not even ourselves. */
	perm_status = sys_notify(me.pid, 1);
	while (!srv)
		sys_yield();
	away(1, SIG_AWAY_1);
	away(2, SIG_AWAY_2);
	wait_go(3);
	phase = SIG_WAITING;
	if (sys_notify_wait() != 0 && !err)
		err = 105;
	phase = SIG_WOKEN;
	wait_go(4);
	return 0;
}

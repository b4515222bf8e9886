/* SPDX-License-Identifier: BSD-2-Clause */
/* The /svc_timertail service: see tests/proto/timertail.h. */
#include <migrant.h>
#include "../proto/timertail.h"

/* One call at a time: the test makes one. */
static volatile long target, tail_st, fwd_st, kick_st, runs;

void migrant_timer(unsigned long expiries)
{
	struct ipc_reply r;

	(void)expiries;
	tail_st = ipc_tail(target, 41, 0, 0, 0, &r);
	fwd_st = ipc_fwd(target, 41, 0, 0, 0, &r);
	kick_st = ipc_kick(target, 41, 0, 0, 0, &r);
	runs++;
}

void migrant_serve(long pid, long tid, long d0, long d1, long d2, long d3)
{
	long seen = runs;
	unsigned long start = sys_clock(NULL);

	(void)pid;
	(void)tid;
	(void)d1;
	(void)d2;
	(void)d3;
	target = d0;
	if (sys_timer(TIMERTAIL_DELAY, 0) != 0)
		ipc_resp(-1, -1, -1, 0);
	while (runs == seen && sys_clock(NULL) - start < TIMERTAIL_GIVE_UP)
		;
	ipc_resp(tail_st, fwd_st, kick_st, runs - seen);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

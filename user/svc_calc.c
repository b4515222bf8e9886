/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A backend for `make run`: answers sums, and counts what it answered.
 *   d0 = 0: d0' = d1 + d2, d1' = the client (eid), d2' = our pid
 *   d0 = 1: d0' = calls answered so far
 * Calls arrive on many harts at once, so the count is an atomic add.
 */
#include <migrant.h>

static unsigned long answered;

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	struct mself me;

	(void)tid;
	(void)d3;
	if (d0 == 1)
		ipc_resp((long)__atomic_load_n(&answered, __ATOMIC_RELAXED), 0, 0, 0);
	__atomic_fetch_add(&answered, 1, __ATOMIC_RELAXED);
	sys_self(&me);
	ipc_resp(d1 + d2, eid, me.pid, 0);
}

int main(void)
{
	ipc_frame(4096);
	for (;;)
		sys_notify_wait();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A router for `make run`: spreads sums over its backends with ipc_kick,
 * so the backend answers the client directly and sees the client, not the
 * router, as its caller.
 *   d0 = 2: d1 = a backend's pid to add; d0' = backends now
 *   d0 = 0: route the sum d1 + d2 (a client's request)
 *   d0 = 1: d0' = requests routed so far
 */
#include <migrant.h>

#define MAX_BACKENDS 8

static long backends[MAX_BACKENDS];
static long nbackends;
static unsigned long routed;

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d3;
	if (d0 == 2) {
		if (nbackends < MAX_BACKENDS)
			backends[nbackends++] = d1;
		ipc_resp(nbackends, 0, 0, 0);
	}
	if (d0 == 1)
		ipc_resp((long)__atomic_load_n(&routed, __ATOMIC_RELAXED), 0, 0, 0);
	if (nbackends == 0)
		ipc_resp(E_NOENT, 0, 0, 0);
	/* Round robin over the backends. */
	unsigned long n = __atomic_fetch_add(&routed, 1, __ATOMIC_RELAXED);
	ipc_kick(backends[n % (unsigned long)nbackends], 0, d1, d2, 0, NULL);
	ipc_resp(E_DIED, 0, 0, 0);
}

int main(void)
{
	ipc_frame(4096);
	for (;;)
		sys_notify_wait();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A client process for client_death (protocol: tests/proto/client.h): once
 * configured it calls a slow service from its main thread, while a second
 * thread idles in its root process, so that its parent can kill it with a
 * thread away.
 */
#include <migrant.h>

#include "../proto/client.h"
#include "../proto/slow.h"

static volatile long srv, ms, via, phase, idling, call_status;

static long idler(long unused)
{
	(void)unused;
	idling = 1;
	while (sys_notify_wait() != E_KILLED)
		;
	return 0;
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	if (d0 == CL_CONFIG) {
		ms = d2;
		via = d3;
		__atomic_store_n(&srv, d1, __ATOMIC_SEQ_CST);
		ipc_resp(0, 0, 0, 0);
	}
	if (d0 == CL_STATUS)
		ipc_resp(phase, idling, call_status, 0);
	ipc_resp(E_NOSYS, 0, 0, 0);
}

int main(void)
{
	struct ipc_reply r;

	if (thread_spawn(HART_ANY, idler, 0) < 0)
		return 3;
	while (!__atomic_load_n(&srv, __ATOMIC_SEQ_CST))
		sys_yield();
	phase = CL_AWAY;
	if (via)
		call_status = ipc_req(via, SLOW_CHAIN, srv, 0, SLOW_WHAT(SLOW_SPIN, ms), &r);
	else
		call_status = ipc_req(srv, SLOW_SPIN, ms, 0, 0, &r);
	phase = CL_BACK;
	for (;;)
		sys_notify_wait();
}

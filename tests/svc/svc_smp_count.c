/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A counting echo service for the smp_* tests (tests/proto/echo.h): it
 * answers ECHO_CALL as /svc_echo does and counts those calls. Many threads
 * run the handler at once on many harts, so the count is kept with
 * atomics. Its main just waits, so the process stays alive with a thread
 * of its own.
 */
#include <test.h>

#include "../proto/echo.h"

static long answered;

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	struct mself me;

	(void)tid;
	if (d0 == ECHO_COUNT)
		ipc_resp(__atomic_load_n(&answered, __ATOMIC_SEQ_CST), 0, 0, 0);
	if (d0 != ECHO_CALL)
		ipc_resp(E_NOSYS, 0, 0, 0);
	sys_self(&me);
	__atomic_add_fetch(&answered, 1, __ATOMIC_SEQ_CST);
	ipc_resp(checksum(eid, d1, d2, d3), eid, me.pid, ipc_depth(0));
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

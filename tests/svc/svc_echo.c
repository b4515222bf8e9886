/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A service for the IPC tests: answers every call as ECHO_CALL
 * (tests/proto/echo.h), with a checksum of the request and words about
 * where it ran. Its main just waits for notifications, so the process
 * stays alive with a thread of its own.
 */
#include <test.h>

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	struct mself me;
	long depth = ipc_depth(0);

	(void)tid;
	(void)d0;
	sys_self(&me);
	ipc_resp(checksum(eid, d1, d2, d3), eid, me.pid, depth);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

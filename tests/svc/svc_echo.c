/*
 * A service for the IPC tests: answers every call with a checksum of the
 * request and a word about where it ran. d0 selects the operation:
 *   0: echo    -> d0 = checksum(eid, d1..d3), d1 = eid, d2 = our pid, d3 = depth
 * Its main just waits for notifications, so the process stays alive with a
 * thread of its own.
 */
#include <migrant.h>

static long checksum(long a, long b, long c, long d)
{
	return (a * 31 + b) * 31 + c * 7 + (d ^ 0x5a5a);
}

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

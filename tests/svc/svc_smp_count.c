/*
 * A counting echo service for the smp_* tests. d0 selects the operation:
 *   0: echo  -> d0 = checksum(eid, d1..d3), d1 = eid, d2 = our pid,
 *               d3 = depth; counts the call
 *   1: count -> d0 = echo calls answered so far (this call is not counted)
 * Many threads run the handler at once on many harts, so the count is
 * kept with atomics. Its main just waits, so the process stays alive
 * with a thread of its own.
 */
#include <migrant.h>

#define COUNT_ECHO  0
#define COUNT_QUERY 1

static long answered;

static long checksum(long a, long b, long c, long d)
{
	return (a * 31 + b) * 31 + c * 7 + (d ^ 0x5a5a);
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	struct mself me;

	(void)tid;
	if (d0 == COUNT_QUERY)
		ipc_resp(__atomic_load_n(&answered, __ATOMIC_SEQ_CST), 0, 0, 0);
	if (d0 != COUNT_ECHO)
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

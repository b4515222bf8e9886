/* The null service: responds at once with its first word plus one. */
#include <migrant.h>

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d1;
	(void)d2;
	(void)d3;
	ipc_resp(d0 + 1, 0, 0, 0);
}

int main(void)
{
	/* One page of activation is plenty for a handler that calls nothing. */
	ipc_frame(4096);
	for (;;)
		sys_notify_wait();
}

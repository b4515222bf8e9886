/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The null service (tests/proto/null.h): responds at once with its first
 * word plus one, after shrinking its activation reservation to one page
 * when asked to (benchmarks do this first).
 */
#include <migrant.h>

#include "../proto/null.h"

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d1;
	(void)d2;
	(void)d3;
	/*
	 * Its own response, so that d0 is not live across the ipc_frame
	 * call and the common case saves nothing.
	 */
	if (d0 == NULL_SHRINK) {
		ipc_frame(4096);
		ipc_resp(NULL_SHRINK + 1, 0, 0, 0);
		return;
	}
	ipc_resp(d0 + 1, 0, 0, 0);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

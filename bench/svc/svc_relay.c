/* SPDX-License-Identifier: BSD-2-Clause */
/* The chain benchmark's relay service; see relay.h for the protocol. */
#include <migrant.h>
#include "relay.h"

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	static long (*const call[])(long, long, long, long, long, struct ipc_reply *) = {
		[RELAY_REQ] = ipc_req, [RELAY_FWD] = ipc_fwd,
		[RELAY_TAIL] = ipc_tail, [RELAY_KICK] = ipc_kick,
	};
	struct ipc_reply r;
	long hop = d0 & 0xf;

	(void)eid;
	(void)tid;
	/* The setup call: a relay's handler fits in one page, calls included. */
	if (d0 == -1)
		ipc_resp(ipc_frame(4096), 0, 0, 0);
	if (hop == RELAY_END || hop > RELAY_KICK)
		ipc_resp(d1 + 1, 0, 0, 0);
	/* A tail or kick does not come back here: the next relay answers our caller. */
	if (call[hop](d2, d0 >> 4, d1 + 1, d3, 0, &r) != 0)
		ipc_resp(-1, 0, 0, 0);
	ipc_resp(r.d[0], 0, 0, 0);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A service that calls itself, for activation_exhaustion. The protocol,
 * and what each level checks, are in tests/proto/recurse.h.
 */
#include <migrant.h>

#include "../proto/recurse.h"

static long self_pid(void)
{
	struct mself me;

	sys_self(&me);
	return me.pid;
}

static void down(long eid, long level, long max)
{
	volatile long buf[32];
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	long me = self_pid(), depth_eid = -1, depth = ipc_depth(&depth_eid);
	long err = 0, sum = level, deepest = level, failed_at = 0, st;

	if (depth != level)
		err |= 1;
	if (eid != depth_eid || (level > 1 && eid != me))
		err |= 2;
	for (int i = 0; i < 32; i++)
		buf[i] = level * 1000 + i;
	if (level < max) {
		st = ipc_req(me, REC_DOWN, level + 1, max, 0, &r);
		if (st == 0) {
			sum += r.d[0];
			deepest = r.d[1];
			failed_at = r.d[2];
			err |= r.d[3];
			if (r.pid != me)
				err |= 16;
		} else if (st == E_DEPTH) {
			failed_at = level + 1;
		} else {
			err |= 8;
		}
	}
	for (int i = 0; i < 32; i++)
		if (buf[i] != level * 1000 + i)
			err |= 4;
	ipc_resp(sum, deepest, failed_at, err);
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)tid;
	(void)d3;
	if (d0 == REC_FRAME)
		ipc_resp(ipc_frame(d1), 0, 0, 0);
	if (d0 == REC_DOWN)
		down(eid, d1, d2);
	ipc_resp(E_NOSYS, 0, 0, 0);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

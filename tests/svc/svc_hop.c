/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A chain hop for the migration tests (ipc_fwd, ipc_tail, ipc_kick,
 * ipc_resp_pid and the smp_*_dying tests); several instances of it make a
 * chain of processes. The protocol is in tests/proto/hop.h.
 */
#include <migrant.h>

#include "../proto/hop.h"

static volatile long seen_eid, seen_depth, seen_depth_eid, calls;
static volatile long inner_status = HOP_NONE, inner_pid, after_tail;

static long self_pid(void)
{
	struct mself me;

	sys_self(&me);
	return me.pid;
}

static void hop(long eid, long d0, long d1, long d2, long d3)
{
	long kind = (d0 >> 8) & 0xf;
	long next = ((d0 >> 12) << 8) | HOP_CMD_HOP;
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	long depth_eid = -1;
	long depth = ipc_depth(&depth_eid);
	long st;

	seen_eid = eid;
	seen_depth = depth;
	seen_depth_eid = depth_eid;
	calls = calls + 1;
	switch (kind) {
	case HOP_END:
		ipc_resp(HOP_MAGIC + self_pid(), eid, depth, depth_eid);
		return;
	case HOP_REQ:
		st = ipc_req(d1, next, d2, d3, 0, &r);
		break;
	case HOP_FWD:
		st = ipc_fwd(d1, next, d2, d3, 0, &r);
		break;
	case HOP_TAIL:
	case HOP_KICK:
		st = kind == HOP_TAIL ? ipc_tail(d1, next, d2, d3, 0, &r)
				      : ipc_kick(d1, next, d2, d3, 0, &r);
		/* Reached only when the tail call failed. */
		inner_status = st;
		inner_pid = r.pid;
		after_tail = 1;
		ipc_resp(HOP_BAD, st, 0, 0);
		return;
	default:
		ipc_resp(HOP_ERR, E_INVAL, 0, 0);
		return;
	}
	inner_status = st;
	inner_pid = r.pid;
	if (st != 0)
		ipc_resp(HOP_ERR, st, r.pid, 0);
	ipc_resp(r.d[0], r.d[1], r.d[2], r.d[3]);
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)tid;
	switch (d0 & 0xff) {
	case HOP_CMD_HOP:
		hop(eid, d0, d1, d2, d3);
		break;
	case HOP_CMD_QUERY:
		ipc_resp(seen_eid, seen_depth, seen_depth_eid, calls);
		break;
	case HOP_CMD_QUERY2:
		ipc_resp(inner_status, inner_pid, after_tail, self_pid());
		break;
	case HOP_CMD_FRAME:
		ipc_resp(ipc_frame(d1), 0, 0, 0);
		break;
	case HOP_CMD_RESET:
		seen_eid = seen_depth = seen_depth_eid = calls = 0;
		inner_status = HOP_NONE;
		inner_pid = after_tail = 0;
		ipc_resp(0, 0, 0, 0);
		break;
	}
	ipc_resp(HOP_ERR, E_NOSYS, 0, 0);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

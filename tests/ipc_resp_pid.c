/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reply.pid names the process that actually responded: the callee of a
 * plain req, the first hop of a req chain (it answered us), the last
 * process of a kick or tail chain (the replaced frames never answer), the
 * inner responder when kicks and reqs mix, and ourselves for a
 * self-migration. The hops are instances of /svc_hop.
 */
#include "hop.h"

#define SELF_CMD 0x31

/* Self-migration lands here: a new frame of our own process. */
void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	struct mself me;
	long depth_eid = -1;
	long depth = ipc_depth(&depth_eid);

	(void)tid;
	(void)d2;
	(void)d3;
	sys_self(&me);
	if (d0 != SELF_CMD)
		ipc_resp(E_NOSYS, 0, 0, 0);
	if (depth_eid != eid)
		ipc_resp(-100, depth_eid, eid, 0);
	ipc_resp(d1 + 1, eid, depth, me.pid);
}

int main(void)
{
	struct mstats before;
	struct mself me;
	struct ipc_reply r;
	long p[4], a, b, c, d, st, w[4];

	test_start("ipc_resp_pid");
	sys_self(&me);
	stats_snapshot(&before);
	for (int i = 0; i < 4; i++) {
		p[i] = sys_spawn("/svc_hop", 0);
		CHECK(p[i] > 0);
		hop_call(p[i], HOP_CMD_FRAME, 8192, w);
	}
	a = p[0], b = p[1], c = p[2], d = p[3];

	/* Plain req: the callee. */
	st = ipc_req(a, HOPS(HOP_END, 0, 0, 0), 0, 0, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + a, me.pid, 1, me.pid);
	st = ipc_req(d, HOPS(HOP_END, 0, 0, 0), 0, 0, 0, &r);
	EXPECT_REPLY(r, st, d, HOP_MAGIC + d, me.pid, 1, me.pid);

	/* A req chain: A answered us, B answered A. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_REQ, HOP_END, 0, 0), b, 0, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + b, a, 2, a);
	expect_inner(a, "A", 0, b, 0);

	/* A kick chain: the last process responded. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_KICK, HOP_KICK, HOP_KICK, HOP_END), b, c, d, &r);
	EXPECT_REPLY(r, st, d, HOP_MAGIC + d, me.pid, 1, me.pid);
	expect_seen(d, "D", me.pid, 1, 1);

	/* A tail chain too. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_TAIL, HOP_TAIL, HOP_TAIL, HOP_END), b, c, d, &r);
	EXPECT_REPLY(r, st, d, HOP_MAGIC + d, c, 1, c);

	/* Kicks and reqs mixed: B's req is the first non-replaced frame above us. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_KICK, HOP_REQ, HOP_KICK, HOP_END), b, c, d, &r);
	EXPECT_REPLY(r, st, b, HOP_MAGIC + d, b, 2, b);
	expect_inner(b, "B", 0, d, 0);

	/* A kick chain below a req: A's reply.pid is the chain's last process. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_REQ, HOP_KICK, HOP_KICK, HOP_END), b, c, d, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + d, a, 2, a);
	expect_inner(a, "A", 0, d, 0);

	/* Self-migration: we responded to ourselves. */
	st = ipc_req(me.pid, SELF_CMD, 41, 0, 0, &r);
	EXPECT_REPLY(r, st, me.pid, 42, me.pid, 1, me.pid);

	/* A kick back to the first hop: that process responded. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_KICK, HOP_KICK, HOP_END, 0), b, a, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + a, me.pid, 1, me.pid);

	/* Only a migrated frame can respond. */
	CHECK_EQ(ipc_resp(1, 2, 3, 4), E_INVAL);
	CHECK_EQ(ipc_depth(0), 0);

	kill_all(p, 4);
	stats_settle(&before);
	test_pass();
	return 0;
}

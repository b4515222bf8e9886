/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_kick is fwd + tail: the callee sees the caller's own eid and
 * replaces the caller's frame. client -> A (req) -> kick B -> kick C: all
 * three run at depth 1 and see the client as eid, and C answers the
 * client directly. Kicks deeper down and mixed with req and fwd keep the
 * same rules; a kick from the root frame is E_INVAL and a failed kick
 * returns to its caller. The hops are instances of /svc_hop.
 */
#include "hop.h"

int main(void)
{
	struct mstats before;
	struct mself me;
	struct ipc_reply r;
	long p[4], a, b, c, d, st, w[4];

	test_start("ipc_kick");
	sys_self(&me);
	stats_snapshot(&before);
	for (int i = 0; i < 4; i++) {
		p[i] = sys_spawn("/svc_hop", 0);
		CHECK(p[i] > 0);
		hop_call(p[i], HOP_CMD_FRAME, 8192, w);
	}
	a = p[0], b = p[1], c = p[2], d = p[3];

	/* client -> A (req) -> kick B -> kick C: eid kept, frame replaced. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_KICK, HOP_KICK, HOP_END, 0), b, c, 0, &r);
	EXPECT_REPLY(r, st, c, HOP_MAGIC + c, me.pid, 1, me.pid);
	expect_seen(a, "A", me.pid, 1, 1);
	expect_seen(b, "B", me.pid, 1, 1);
	expect_seen(c, "C", me.pid, 1, 1);
	expect_inner(a, "A", HOP_NONE, 0, 0);
	expect_inner(b, "B", HOP_NONE, 0, 0);

	/* A kick at depth 2 passes B's eid (A) and answers A's req. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_REQ, HOP_KICK, HOP_END, 0), b, c, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + c, a, 2, a);
	expect_seen(b, "B", a, 2, 1);
	expect_seen(c, "C", a, 2, 1);
	expect_inner(a, "A", 0, c, 0);
	expect_inner(b, "B", HOP_NONE, 0, 0);

	/* client -> A -> kick B -> req C -> kick D: D answers B, B answers us. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_KICK, HOP_REQ, HOP_KICK, HOP_END), b, c, d, &r);
	EXPECT_REPLY(r, st, b, HOP_MAGIC + d, b, 2, b);
	expect_seen(a, "A", me.pid, 1, 1);
	expect_seen(b, "B", me.pid, 1, 1);
	expect_seen(c, "C", b, 2, 1);
	expect_seen(d, "D", b, 2, 1);
	expect_inner(b, "B", 0, d, 0);
	expect_inner(c, "C", HOP_NONE, 0, 0);

	/* fwd then kick: the client's identity survives both. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_FWD, HOP_KICK, HOP_END, 0), b, c, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + c, me.pid, 2, me.pid);
	expect_seen(b, "B", me.pid, 2, 1);
	expect_seen(c, "C", me.pid, 2, 1);
	expect_inner(a, "A", 0, c, 0);

	/* A kick into itself: a new frame of the same process in place of the old. */
	reset_all(p, 4);
	st = ipc_req(a, HOPS(HOP_KICK, HOP_END, 0, 0), a, 0, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + a, me.pid, 1, me.pid);
	expect_seen(a, "A", me.pid, 1, 2);
	expect_inner(a, "A", HOP_NONE, 0, 0);

	/* No kick from the root frame. */
	reset_all(p, 4);
	CHECK_EQ(ipc_kick(a, HOPS(HOP_END, 0, 0, 0), 0, 0, 0, &r), E_INVAL);
	expect_seen(a, "A", 0, 0, 0);

	/* A failed kick returns to its caller. */
	st = ipc_req(a, HOPS(HOP_KICK, HOP_END, 0, 0), 0x7ffff001, 0, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_BAD, E_NOENT, 0, 0);
	expect_inner(a, "A", E_NOENT, ANY_PID, 1);
	CHECK_EQ(ipc_depth(0), 0);

	kill_all(p, 4);
	stats_settle(&before);
	test_pass();
	return 0;
}

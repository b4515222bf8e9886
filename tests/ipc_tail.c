/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_tail replaces the caller's frame: client -> A (req) -> A tails to B
 * -> B tails to C -> C responds straight to the client, reply.pid C, and
 * every one of A, B and C ran at depth 1. A chain of tails returns to the
 * first frame that was not a tail; A's and B's code after their tails
 * never runs. A tail from the root frame is E_INVAL; a failed tail (no
 * such process, or a reservation that does not fit where the replaced
 * frame started: E_DEPTH) returns to the caller, which keeps running.
 * The hops are instances of /svc_hop.
 */
#include "hop.h"

int main(void)
{
	struct mstats before;
	struct mself me;
	struct ipc_reply r;
	long p[5], a, b, c, d, e, st, w[4];

	test_start("ipc_tail");
	sys_self(&me);
	stats_snapshot(&before);
	for (int i = 0; i < 5; i++) {
		p[i] = sys_spawn("/svc_hop", 0);
		CHECK(p[i] > 0);
	}
	a = p[0], b = p[1], c = p[2], d = p[3], e = p[4];
	for (int i = 0; i < 4; i++)
		hop_call(p[i], HOP_CMD_FRAME, 8192, w);

	/* client -> A (req) -> tail B -> tail C: C answers the client directly. */
	reset_all(p, 5);
	st = ipc_req(a, HOPS(HOP_TAIL, HOP_TAIL, HOP_END, 0), b, c, 0, &r);
	EXPECT_REPLY(r, st, c, HOP_MAGIC + c, b, 1, b);
	expect_seen(a, "A", me.pid, 1, 1);
	expect_seen(b, "B", a, 1, 1);
	expect_seen(c, "C", b, 1, 1);
	expect_inner(a, "A", HOP_NONE, 0, 0);
	expect_inner(b, "B", HOP_NONE, 0, 0);

	/* A tail then a req: B's req runs one deeper than B, and B answers the client. */
	reset_all(p, 5);
	st = ipc_req(a, HOPS(HOP_TAIL, HOP_REQ, HOP_END, 0), b, c, 0, &r);
	EXPECT_REPLY(r, st, b, HOP_MAGIC + c, b, 2, b);
	expect_seen(b, "B", a, 1, 1);
	expect_seen(c, "C", b, 2, 1);
	expect_inner(a, "A", HOP_NONE, 0, 0);
	expect_inner(b, "B", 0, c, 0);

	/*
	 * Recursive tails return to the first non-tail frame: client -> A
	 * (req) -> B -> tail C -> tail D; D answers A's req, A answers us.
	 */
	reset_all(p, 5);
	st = ipc_req(a, HOPS(HOP_REQ, HOP_TAIL, HOP_TAIL, HOP_END), b, c, d, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + d, c, 2, c);
	expect_seen(a, "A", me.pid, 1, 1);
	expect_seen(b, "B", a, 2, 1);
	expect_seen(c, "C", b, 2, 1);
	expect_seen(d, "D", c, 2, 1);
	expect_inner(a, "A", 0, d, 0);
	expect_inner(b, "B", HOP_NONE, 0, 0);
	expect_inner(c, "C", HOP_NONE, 0, 0);

	/* A tail back into a process already on the path is just another frame. */
	reset_all(p, 5);
	st = ipc_req(a, HOPS(HOP_TAIL, HOP_TAIL, HOP_END, 0), b, a, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + a, b, 1, b);
	expect_seen(a, "A", b, 1, 2);

	/* A tail into its own process: a fresh frame of the same process replaces the old. */
	reset_all(p, 5);
	st = ipc_req(a, HOPS(HOP_TAIL, HOP_END, 0, 0), a, 0, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_MAGIC + a, a, 1, a);
	expect_seen(a, "A", a, 1, 2);
	expect_inner(a, "A", HOP_NONE, 0, 0);

	/* No tail from the root frame: nothing is entered. */
	reset_all(p, 5);
	CHECK_EQ(ipc_tail(a, HOPS(HOP_END, 0, 0, 0), 0, 0, 0, &r), E_INVAL);
	CHECK_EQ(ipc_tail(0x7ffff001, 0, 0, 0, 0, &r), E_INVAL);
	expect_seen(a, "A", 0, 0, 0);

	/* A failed tail returns to its caller, whose frame is intact. */
	st = ipc_req(a, HOPS(HOP_TAIL, HOP_END, 0, 0), 0x7ffff001, 0, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_BAD, E_NOENT, 0, 0);
	expect_inner(a, "A", E_NOENT, ANY_PID, 1);
	reset_all(p, 5);
	st = ipc_req(a, HOPS(HOP_TAIL, HOP_END, 0, 0), 0, 0, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_BAD, E_INVAL, 0, 0);
	expect_inner(a, "A", E_INVAL, ANY_PID, 1);

	/*
	 * The new callee's reservation must fit where the replaced frame
	 * started. E reserves 48 KiB: under our 16 KiB root it fits (A's
	 * frame at depth 1 starts there), but not in place of B at depth 2,
	 * which starts 16 + 8 KiB down.
	 */
	hop_call(e, HOP_CMD_FRAME, 48 << 10, w);
	CHECK_EQ(w[0], ACT_DEFAULT);
	reset_all(p, 5);
	st = ipc_req(a, HOPS(HOP_REQ, HOP_TAIL, HOP_END, 0), b, e, 0, &r);
	EXPECT_REPLY(r, st, a, HOP_BAD, E_DEPTH, 0, 0);
	expect_inner(b, "B", E_DEPTH, ANY_PID, 1);
	expect_seen(e, "E", 0, 0, 0);
	st = ipc_req(a, HOPS(HOP_TAIL, HOP_END, 0, 0), e, 0, 0, &r);
	EXPECT_REPLY(r, st, e, HOP_MAGIC + e, a, 1, a);
	expect_seen(e, "E", a, 1, 1);
	CHECK_EQ(ipc_depth(0), 0);

	kill_all(p, 5);
	stats_settle(&before);
	test_pass();
	return 0;
}

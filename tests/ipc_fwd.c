/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_fwd keeps the effective caller: a chain client -> A (req) -> B (fwd)
 * -> C (fwd) shows the client's pid to C three processes deep, while a
 * chain of plain reqs shows each hop its immediate caller. A fwd from the
 * root frame passes the root frame's eid, 0 (the kernel). The hops are
 * instances of /svc_hop, which records what each one was entered with.
 */
#include "hop.h"

int main(void)
{
	struct mstats before;
	struct mself me;
	struct ipc_reply r;
	long a, b, c, st, w[4];

	test_start("ipc_fwd");
	sys_self(&me);
	stats_snapshot(&before);
	a = sys_spawn("/svc_hop", 0);
	b = sys_spawn("/svc_hop", 0);
	c = sys_spawn("/svc_hop", 0);
	CHECK(a > 0 && b > 0 && c > 0);
	/* 8 KiB each: three hops below our 16 KiB root use 40 of the 64 KiB. */
	hop_call(a, HOP_CMD_FRAME, 8192, w);
	CHECK_EQ(w[0], ACT_DEFAULT);
	hop_call(b, HOP_CMD_FRAME, 8192, w);
	hop_call(c, HOP_CMD_FRAME, 8192, w);

	/* Plain reqs: each hop sees its immediate caller. */
	reset_all((long[]){ a, b, c }, 3);
	st = ipc_req(a, HOPS(HOP_REQ, HOP_REQ, HOP_END, 0), b, c, 0, &r);
	CHECK_EQ(st, 0);
	CHECK_EQ(r.pid, a);
	CHECK_EQ(r.d[0], HOP_MAGIC + c);
	CHECK_EQ(r.d[1], b);
	CHECK_EQ(r.d[2], 3);
	CHECK_EQ(r.d[3], b);
	expect_seen(a, "A", me.pid, 1, 1);
	expect_seen(b, "B", a, 2, 1);
	expect_seen(c, "C", b, 3, 1);
	hop_call(a, HOP_CMD_QUERY2, 0, w);
	CHECK_EQ(w[0], 0);
	CHECK_EQ(w[1], b);
	hop_call(b, HOP_CMD_QUERY2, 0, w);
	CHECK_EQ(w[0], 0);
	CHECK_EQ(w[1], c);

	/* client -> A (req) -> B (fwd) -> C (fwd): everyone sees the client. */
	reset_all((long[]){ a, b, c }, 3);
	st = ipc_req(a, HOPS(HOP_FWD, HOP_FWD, HOP_END, 0), b, c, 0, &r);
	CHECK_EQ(st, 0);
	CHECK_EQ(r.pid, a);
	CHECK_EQ(r.d[0], HOP_MAGIC + c);
	CHECK_EQ(r.d[1], me.pid);
	CHECK_EQ(r.d[2], 3);
	CHECK_EQ(r.d[3], me.pid);
	expect_seen(a, "A", me.pid, 1, 1);
	expect_seen(b, "B", me.pid, 2, 1);
	expect_seen(c, "C", me.pid, 3, 1);
	hop_call(b, HOP_CMD_QUERY2, 0, w);
	CHECK_EQ(w[0], 0);
	CHECK_EQ(w[1], c);

	/* A req then a fwd: C sees B's effective caller, A. */
	reset_all((long[]){ a, b, c }, 3);
	st = ipc_req(a, HOPS(HOP_REQ, HOP_FWD, HOP_END, 0), b, c, 0, &r);
	CHECK_EQ(st, 0);
	CHECK_EQ(r.d[0], HOP_MAGIC + c);
	CHECK_EQ(r.d[1], a);
	expect_seen(b, "B", a, 2, 1);
	expect_seen(c, "C", a, 3, 1);

	/* A fwd then a req: B sees the client, C sees B. */
	reset_all((long[]){ a, b, c }, 3);
	st = ipc_req(a, HOPS(HOP_FWD, HOP_REQ, HOP_END, 0), b, c, 0, &r);
	CHECK_EQ(st, 0);
	CHECK_EQ(r.d[1], b);
	expect_seen(b, "B", me.pid, 2, 1);
	expect_seen(c, "C", b, 3, 1);

	/*
	 * fwd from the root frame has no caller to pass on (the root frame's
	 * eid is the kernel's 0, which would forge a kernel start): refused,
	 * the target never entered, the reply {pid 0, zero words}.
	 */
	reset_all(&a, 1);
	st = ipc_fwd(a, HOPS(HOP_END, 0, 0, 0), 0, 0, 0, &r);
	CHECK_EQ(st, E_INVAL);
	CHECK_EQ(r.pid, 0);
	CHECK_EQ(r.d[0], 0);
	expect_seen(a, "A", 0, 0, 0);

	/* Bad targets fail at once, at the root (any fwd there) and inside a hop. */
	CHECK_EQ(ipc_fwd(0, 0, 0, 0, 0, &r), E_INVAL);
	CHECK_EQ(ipc_fwd(-5, 0, 0, 0, 0, &r), E_INVAL);
	CHECK_EQ(ipc_fwd(0x7ffff001, 0, 0, 0, 0, &r), E_INVAL);
	st = ipc_req(a, HOPS(HOP_FWD, HOP_END, 0, 0), 0x7ffff001, 0, 0, &r);
	CHECK_EQ(st, 0);
	CHECK_EQ(r.d[1], E_NOENT);
	CHECK_EQ(ipc_depth(0), 0);

	kill_all((long[]){ a, b, c }, 3);
	stats_settle(&before);
	test_pass();
	return 0;
}

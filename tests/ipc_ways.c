/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two parked frames a depth (core/activation.c, "ways"): a caller that
 * alternates between two services keeps a frame parked in each.
 * - Each service runs at the same place on every call, one window apart
 *   (USER_ACT_WAY), so neither was taken back and rebuilt.
 * - What one service leaves on its activation is still there at its next
 *   call, after the other ran: the other ran on pages of its own.
 * - A third service takes the place of the least recent one, whose pages
 *   it gets zeroed (activation_isolation checks the zeroing itself).
 * - A chain that tails between two services at one depth, call after
 *   call, swaps the two ways and answers right every time.
 * The free pages, processes and threads come back at the end.
 */
#include "hop.h"
#include "proto/peek.h"

#define ROUNDS 20

static long spawn(const char *path)
{
	long pid = sys_spawn(path, 0);

	if (pid <= 0)
		test_fail("spawn %s: %ld", path, pid);
	return pid;
}

static long sp_of(long pid)
{
	struct ipc_reply r;

	CHECK_EQ(ipc_req(pid, PEEK_SP, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[1], 1);
	return r.d[0];
}

static void end(long pid)
{
	long st = -1;

	CHECK_EQ(sys_kill(pid), 0);
	CHECK_EQ(sys_wait(pid, &st), 0);
	CHECK_EQ(st, EXIT_KILLED);
}

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	long p, q, x, sp_p, sp_q, h[3], st;

	test_start("ipc_ways");
	stats_snapshot(&before);
	p = spawn("/svc_peek");
	q = spawn("/svc_peek");
	x = spawn("/svc_peek");

	sp_p = sp_of(p);
	sp_q = sp_of(q);
	if (sp_q - sp_p != (long)USER_ACT_WAY && sp_p - sp_q != (long)USER_ACT_WAY)
		test_fail("p at sp %lx, q at %lx: not one window apart", sp_p, sp_q);
	for (int i = 0; i < ROUNDS; i++) {
		CHECK_EQ(sp_of(p), sp_p);
		CHECK_EQ(sp_of(q), sp_q);
	}

	/* p's 8 KiB of PEEK_SECRET outlive q's call; the scan reads 12 KiB down from its sp. */
	CHECK_EQ(ipc_req(p, PEEK_SPIN, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], 1);
	CHECK_EQ(ipc_req(q, PEEK_OWN, 0, 0, 0, &r), 0);
	CHECK_EQ(ipc_req(p, PEEK_SCAN, 12 * 1024, 0, 0, &r), 0);
	if (r.d[0] != 8 * 1024 / 8)
		test_fail("p found %ld words of its own 1024 after q ran: its frame was rebuilt", r.d[0]);

	/* x takes the least recent one's place: p's, after q. */
	CHECK_EQ(ipc_req(q, PEEK_OWN, 0, 0, 0, &r), 0);
	CHECK_EQ(sp_of(x), sp_p);
	CHECK_EQ(sp_of(q), sp_q);

	/* A req below us, then a kick between two hops at depth 2, again and again. */
	for (int i = 0; i < 3; i++) {
		h[i] = spawn("/svc_hop");
		hop_call(h[i], HOP_CMD_FRAME, 8192, (long[4]){ 0 });
	}
	for (int i = 0; i < ROUNDS; i++) {
		reset_all(h, 3);
		st = ipc_req(h[0], HOPS(HOP_REQ, HOP_KICK, HOP_END, 0), h[1], h[2], 0, &r);
		EXPECT_REPLY(r, st, h[0], HOP_MAGIC + h[2], h[0], 2, h[0]);
		expect_inner(h[0], "A", 0, h[2], 0);
	}

	end(p);
	end(q);
	end(x);
	kill_all(h, 3);
	stats_settle(&before);
	test_pass();
	return 0;
}

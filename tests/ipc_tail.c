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
#include <test.h>

/* The /svc_hop protocol (see tests/svc_hop.c). */
#define HOP_CMD_HOP     0x21
#define HOP_CMD_QUERY   0x22
#define HOP_CMD_QUERY2  0x23
#define HOP_CMD_FRAME   0x24
#define HOP_CMD_RESET   0x25
#define HOP_END  0
#define HOP_REQ  1
#define HOP_FWD  2
#define HOP_TAIL 3
#define HOP_KICK 4
#define HOP_MAGIC 0x70c0de0000l
#define HOP_BAD   0xbadl
#define HOP_NONE  1
/* expect_inner: any reply.pid (a failed call leaves its reply words unspecified). */
#define ANY_PID   (-999)
#define HOPS(a, b, c, d) \
	(HOP_CMD_HOP | ((long)(a) << 8) | ((long)(b) << 12) | ((long)(c) << 16) | ((long)(d) << 20))

static void hop_call(long pid, long cmd, long arg, long w[4])
{
	struct ipc_reply r;
	long st = ipc_req(pid, cmd, arg, 0, 0, &r);

	if (st != 0)
		test_fail("call %ld into hop %ld failed: %ld", cmd, pid, st);
	if (r.pid != pid)
		test_fail("hop %ld: reply.pid %ld", pid, r.pid);
	for (int i = 0; i < 4; i++)
		w[i] = r.d[i];
}

/* What hop pid last saw: its eid, ipc_depth and that frame's eid, and its call count. */
static void expect_seen(long pid, const char *name, long eid, long depth, long ncalls)
{
	long w[4];

	hop_call(pid, HOP_CMD_QUERY, 0, w);
	if (w[0] != eid || w[1] != depth || w[2] != eid || w[3] != ncalls)
		test_fail("hop %s (pid %ld) saw eid %ld depth %ld depth-eid %ld calls %ld; "
			  "want eid %ld depth %ld calls %ld",
			  name, pid, w[0], w[1], w[2], w[3], eid, depth, ncalls);
}

/* Hop pid's own call: its status, reply.pid, and whether code after a tail ran. */
static void expect_inner(long pid, const char *name, long status, long rpid, long after_tail)
{
	long w[4];

	hop_call(pid, HOP_CMD_QUERY2, 0, w);
	if (w[0] != status || (rpid != ANY_PID && w[1] != rpid) || w[2] != after_tail ||
	    w[3] != pid)
		test_fail("hop %s (pid %ld): inner status %ld reply.pid %ld after-tail %ld self %ld; "
			  "want %ld %ld %ld",
			  name, pid, w[0], w[1], w[2], w[3], status, rpid, after_tail);
}

static void reset_all(const long *pids, int n)
{
	long w[4];

	for (int i = 0; i < n; i++)
		hop_call(pids[i], HOP_CMD_RESET, 0, w);
}

static void expect_reply(struct ipc_reply *r, long st, long pid, long d0, long d1, long d2,
			 long d3, int line)
{
	if (st != 0 || r->pid != pid || r->d[0] != d0 || r->d[1] != d1 || r->d[2] != d2 ||
	    r->d[3] != d3)
		test_fail("line %d: status %ld reply.pid %ld words %lx %ld %ld %ld; "
			  "want 0 %ld %lx %ld %ld %ld",
			  line, st, r->pid, r->d[0], r->d[1], r->d[2], r->d[3], pid, d0, d1, d2, d3);
}

static void kill_all(const long *pids, int n)
{
	for (int i = 0; i < n; i++) {
		long status = 0;

		CHECK_EQ(sys_kill(pids[i]), 0);
		CHECK_EQ(sys_wait(pids[i], &status), 0);
		CHECK_EQ(status, EXIT_KILLED);
	}
}

#define EXPECT_REPLY(r, st, pid, d0, d1, d2, d3) \
	expect_reply(&(r), st, pid, d0, d1, d2, d3, __LINE__)

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

/*
 * ipc_kick is fwd + tail: the callee sees the caller's own eid and
 * replaces the caller's frame. client -> A (req) -> kick B -> kick C: all
 * three run at depth 1 and see the client as eid, and C answers the
 * client directly. Kicks deeper down and mixed with req and fwd keep the
 * same rules; a kick from the root frame is E_INVAL and a failed kick
 * returns to its caller. The hops are instances of /svc_hop.
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

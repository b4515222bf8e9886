/*
 * reply.pid names the process that actually responded: the callee of a
 * plain req, the first hop of a req chain (it answered us), the last
 * process of a kick or tail chain (the replaced frames never answer), the
 * inner responder when kicks and reqs mix, and ourselves for a
 * self-migration. The hops are instances of /svc_hop.
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

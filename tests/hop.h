/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client side of the /svc_hop protocol (tests/proto/hop.h), shared by the
 * tests that build chains of hops: ipc_fwd, ipc_tail, ipc_kick, ipc_resp_pid
 * and the smp_*_dying tests.
 */
#ifndef TESTS_HOP_H
#define TESTS_HOP_H

#include <test.h>

#include "proto/hop.h"

/* expect_inner: any reply.pid (a failed call leaves its reply words unspecified). */
#define ANY_PID   (-999)

static inline void hop_call(long pid, long cmd, long arg, long w[4])
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
static inline void expect_seen(long pid, const char *name, long eid, long depth, long ncalls)
{
	long w[4];

	hop_call(pid, HOP_CMD_QUERY, 0, w);
	if (w[0] != eid || w[1] != depth || w[2] != eid || w[3] != ncalls)
		test_fail("hop %s (pid %ld) saw eid %ld depth %ld depth-eid %ld calls %ld; "
			  "want eid %ld depth %ld calls %ld",
			  name, pid, w[0], w[1], w[2], w[3], eid, depth, ncalls);
}

/* Hop pid's own call: its status, reply.pid, and whether code after a tail ran. */
static inline void expect_inner(long pid, const char *name, long status, long rpid, long after_tail)
{
	long w[4];

	hop_call(pid, HOP_CMD_QUERY2, 0, w);
	if (w[0] != status || (rpid != ANY_PID && w[1] != rpid) || w[2] != after_tail ||
	    w[3] != pid)
		test_fail("hop %s (pid %ld): inner status %ld reply.pid %ld after-tail %ld self %ld; "
			  "want %ld %ld %ld",
			  name, pid, w[0], w[1], w[2], w[3], status, rpid, after_tail);
}

static inline void reset_all(const long *pids, int n)
{
	long w[4];

	for (int i = 0; i < n; i++)
		hop_call(pids[i], HOP_CMD_RESET, 0, w);
}

static inline void expect_reply(struct ipc_reply *r, long st, long pid, long d0, long d1, long d2,
			 long d3, int line)
{
	if (st != 0 || r->pid != pid || r->d[0] != d0 || r->d[1] != d1 || r->d[2] != d2 ||
	    r->d[3] != d3)
		test_fail("line %d: status %ld reply.pid %ld words %lx %ld %ld %ld; "
			  "want 0 %ld %lx %ld %ld %ld",
			  line, st, r->pid, r->d[0], r->d[1], r->d[2], r->d[3], pid, d0, d1, d2, d3);
}

static inline void kill_all(const long *pids, int n)
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


#endif

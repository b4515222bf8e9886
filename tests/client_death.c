/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A client that dies while its thread is inside a server: the server's
 * work finishes undisturbed, the thread is reaped instead of returning
 * into the dead client, and the client's wait gives EXIT_KILLED only after
 * that (never before the server finished). The same with the thread two
 * servers deep. The clients are /svc_client, the servers /svc_slow.
 */
#include "proto/client.h"
#include "slow.h"

#define SPIN_MS   300

/* SLOW_SELF's fourth word: how many of pid's chained calls came back to it. */
static long chains_back(long pid)
{
	struct ipc_reply r;

	CHECK_EQ(ipc_req(pid, SLOW_SELF, 0, 0, 0, &r), 0);
	return r.d[3];
}

static void client_dies(long s, long via)
{
	struct slow_status before_s, after_s;
	struct ipc_reply r;
	unsigned long t_kill, t_wait;
	long cl, status = -1;

	slow_status(s, &before_s);
	cl = sys_spawn("/svc_client", 0);
	CHECK(cl > 0);
	CHECK_EQ(ipc_req(cl, CL_CONFIG, s, SPIN_MS, via, &r), 0);
	wait_inside(s, before_s.entries + 1, 1);
	CHECK_EQ(ipc_req(cl, CL_STATUS, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], CL_AWAY);

	t_kill = sys_clock(NULL);
	CHECK_EQ(sys_kill(cl), 0);
	/* Dying, it takes no new calls. */
	CHECK_EQ(ipc_req(cl, CL_STATUS, 0, 0, 0, &r), E_NOENT);
	CHECK_EQ(sys_wait(cl, &status), 0);
	t_wait = sys_clock(NULL);
	CHECK_EQ(status, EXIT_KILLED);

	/* The server finished the call before the client was torn down. */
	slow_status(s, &after_s);
	CHECK_EQ(after_s.done, before_s.done + 1);
	CHECK_EQ(after_s.active, 0);
	if (after_s.last_end < t_kill || t_wait < after_s.last_end)
		test_fail("killed at %lu, server done at %lu, wait returned at %lu",
			  t_kill, after_s.last_end, t_wait);
	CHECK_EQ(ipc_req(cl, CL_STATUS, 0, 0, 0, &r), E_NOENT);
}

int main(void)
{
	struct mstats before;
	long s, a;

	test_start("client_death");
	stats_snapshot(&before);
	s = spawn_slow();
	a = spawn_slow();

	client_dies(s, 0);
	/* Two deep: client -> a -> s; a gets its answer and returns into the dead client. */
	client_dies(s, a);
	CHECK_EQ(chains_back(a), 1);

	kill_wait(s, EXIT_KILLED);
	kill_wait(a, EXIT_KILLED);
	stats_settle(&before);
	test_pass();
	return 0;
}

/*
 * A client that dies while its thread is inside a server: the server's
 * work finishes undisturbed, the thread is reaped instead of returning
 * into the dead client, and the client's wait gives EXIT_KILLED only after
 * that (never before the server finished). The same with the thread two
 * servers deep. The clients are /svc_client, the servers /svc_slow.
 */
#include <test.h>

/* The /svc_slow protocol (see tests/svc_slow.c). */
#define SLOW_SPIN        0x41
#define SLOW_HANG_SPIN   0x42
#define SLOW_HANG_WAIT   0x43
#define SLOW_STATUS      0x44
#define SLOW_CHAIN       0x45
#define SLOW_ILLEGAL     0x46
#define SLOW_ABORT       0x47
#define SLOW_EXIT        0x48
#define SLOW_THREAD_EXIT 0x49
#define SLOW_SELF        0x4a
/* SLOW_CHAIN's d3: what the last process runs. */
#define SLOW_WHAT(op, arg) ((long)(op) | ((long)(arg) << 8))

/* svc_slow's SLOW_STATUS words. */
struct slow_status {
	long entries, active, done;
	unsigned long last_end;
};

__attribute__((unused)) static void slow_status(long pid, struct slow_status *s)
{
	struct ipc_reply r;
	long st = ipc_req(pid, SLOW_STATUS, 0, 0, 0, &r);

	if (st != 0 || r.pid != pid)
		test_fail("status of %ld: %ld (reply.pid %ld)", pid, st, r.pid);
	*s = (struct slow_status){ r.d[0], r.d[1], r.d[2], (unsigned long)r.d[3] };
}

/* Polls pid until `active` calls are inside it and `entries` have entered; 5 s of guest time at most. */
__attribute__((unused)) static void wait_inside(long pid, long entries, long active)
{
	unsigned long hz, t0 = sys_clock(&hz);
	struct slow_status s;

	for (;;) {
		slow_status(pid, &s);
		if (s.entries >= entries && s.active == active)
			return;
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("pid %ld: %ld entered, %ld inside; want %ld and %ld",
				  pid, s.entries, s.active, entries, active);
		sys_yield();
	}
}

__attribute__((unused)) static long spawn_slow(void)
{
	long pid = sys_spawn("/svc_slow", 0);

	if (pid <= 0)
		test_fail("spawn /svc_slow: %ld", pid);
	return pid;
}

__attribute__((unused)) static void kill_wait(long pid, long want_status)
{
	long status = -1, st;

	st = sys_kill(pid);
	if (st != 0)
		test_fail("kill %ld: %ld", pid, st);
	st = sys_wait(pid, &status);
	if (st != 0 || status != want_status)
		test_fail("wait %ld: %ld status %lx, want status %lx", pid, st, status, want_status);
}

__attribute__((unused)) static void wait_status(long pid, long want_status)
{
	long status = -1;
	long st = sys_wait(pid, &status);

	if (st != 0 || status != want_status)
		test_fail("wait %ld: %ld status %lx, want status %lx", pid, st, status, want_status);
}

#define CL_CONFIG 0x51
#define CL_STATUS 0x52
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
	CHECK_EQ(r.d[0], 1);

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

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Server death unwinds every thread inside: with 1 and then 4 threads
 * inside a killed server at depth 1, every caller gets E_DIED naming the
 * server, with zero words. At depth 3 (client -> A -> B -> C): killing C
 * returns the threads to B with E_DIED; killing B and then C unwinds them
 * through both dead frames to A, whose call names B. Killing only B while
 * the threads run on in C lets C's work finish; the threads then return
 * through B's dead frame and A gets E_DIED, and B is torn down (wait
 * returns) only after they left. A server that calls sys_exit inside a
 * call dies with that status; one cannot thread_exit a borrowed thread.
 * The servers are instances of /svc_slow.
 */
#include "slow.h"

#define NO_STATUS 12345

struct job {
	long target, d0, d1, d2, d3;
	long tid, status;
	struct ipc_reply r;
};

/* Threads in the killed servers: even ones spin in user mode, odd ones block in the kernel. */
static struct job jobs[4];

static long worker(long i)
{
	struct job *j = &jobs[i];
	struct ipc_reply r;
	long st = ipc_req(j->target, j->d0, j->d1, j->d2, j->d3, &r);

	j->r = r;
	__atomic_store_n(&j->status, st, __ATOMIC_SEQ_CST);
	return 0;
}

/* Odd threads get d3_odd in place of d3. */
static void start_jobs(int n, long target, long d0, long d1, long d2, long d3, long d3_odd)
{
	long harts = test_harts();

	for (int i = 0; i < n; i++) {
		jobs[i] = (struct job){ target, d0, d1, d2, i % 2 ? d3_odd : d3, 0, NO_STATUS,
					{ 0, { 0 } } };
		jobs[i].tid = thread_spawn(i % harts, worker, i);
		CHECK_OK(jobs[i].tid);
	}
}

/* Joins the n jobs and checks what each call returned. */
static void join_jobs(int n, const char *what, long status, long pid, long d0, long d1,
		      long d2, long d3)
{
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		long v = -1;

		CHECK_EQ(sys_thread_join(j->tid, &v), 0);
		CHECK_EQ(v, 0);
		if (j->status != status || j->r.pid != pid || j->r.d[0] != d0 || j->r.d[1] != d1 ||
		    j->r.d[2] != d2 || j->r.d[3] != d3)
			test_fail("%s, %d threads, thread %d: status %ld reply.pid %ld words %ld %ld "
				  "%ld %ld; want %ld %ld words %ld %ld %ld %ld",
				  what, n, i, j->status, j->r.pid, j->r.d[0], j->r.d[1], j->r.d[2],
				  j->r.d[3], status, pid, d0, d1, d2, d3);
	}
}

/* No job has returned yet. */
static void still_inside(int n, const char *what)
{
	for (int i = 0; i < n; i++)
		if (__atomic_load_n(&jobs[i].status, __ATOMIC_SEQ_CST) != NO_STATUS)
			test_fail("%s: thread %d returned early: %ld", what, i, jobs[i].status);
}

static void pause_ms(unsigned long ms)
{
	unsigned long hz, t0 = sys_clock(&hz);

	while (sys_clock(NULL) - t0 < ms * hz / 1000)
		sys_yield();
}

/* SLOW_SELF's fourth word: how many of pid's chained calls came back to it. */
static long chains_back(long pid)
{
	struct ipc_reply r;

	CHECK_EQ(ipc_req(pid, SLOW_SELF, 0, 0, 0, &r), 0);
	return r.d[3];
}

static void depth1(int n)
{
	long s = spawn_slow();

	/* Even threads spin in user mode, odd ones block in sys_notify_wait. */
	start_jobs(n, s, SLOW_CHAIN, 0, 0, SLOW_WHAT(SLOW_HANG_SPIN, 0), SLOW_WHAT(SLOW_HANG_WAIT, 0));
	wait_inside(s, n, n);
	still_inside(n, "depth 1");
	kill_wait(s, EXIT_KILLED);
	join_jobs(n, "depth 1", E_DIED, s, 0, 0, 0, 0);
	CHECK_EQ(ipc_req(s, SLOW_STATUS, 0, 0, 0, 0), E_NOENT);
}

/* Kill the innermost server of three: the threads come back to the middle one. */
static void depth3_inner(int n)
{
	long a = spawn_slow(), b = spawn_slow(), c = spawn_slow();

	start_jobs(n, a, SLOW_CHAIN, b, c, SLOW_WHAT(SLOW_HANG_SPIN, 0), SLOW_WHAT(SLOW_HANG_WAIT, 0));
	wait_inside(c, n, n);
	still_inside(n, "depth 3, C killed");
	kill_wait(c, EXIT_KILLED);
	join_jobs(n, "depth 3, C killed", 0, a, 0, b, E_DIED, c);
	CHECK_EQ(chains_back(a), n);
	CHECK_EQ(chains_back(b), n);
	kill_wait(a, EXIT_KILLED);
	kill_wait(b, EXIT_KILLED);
}

/* Kill the middle and then the inner one: one unwind through both dead frames. */
static void depth3_middle_inner(int n)
{
	long a = spawn_slow(), b = spawn_slow(), c = spawn_slow();
	struct slow_status s;

	start_jobs(n, a, SLOW_CHAIN, b, c, SLOW_WHAT(SLOW_HANG_SPIN, 0), SLOW_WHAT(SLOW_HANG_WAIT, 0));
	wait_inside(c, n, n);
	CHECK_EQ(sys_kill(b), 0);
	/* C is alive: the threads stay in it. */
	pause_ms(30);
	still_inside(n, "depth 3, B killed");
	slow_status(c, &s);
	CHECK_EQ(s.active, n);
	CHECK_EQ(sys_kill(c), 0);
	wait_status(b, EXIT_KILLED);
	wait_status(c, EXIT_KILLED);
	join_jobs(n, "depth 3, B and C killed", 0, a, E_DIED, b, 0, 0);
	CHECK_EQ(chains_back(a), n);
	kill_wait(a, EXIT_KILLED);
}

/*
 * Kill the middle one while the threads compute in the inner one: C
 * finishes, the threads return through B's dead frame, A gets E_DIED,
 * and B's wait returns only after they left it.
 */
static void depth3_caller_died(int n)
{
	long a = spawn_slow(), b = spawn_slow(), c = spawn_slow();
	struct slow_status s;

	start_jobs(n, a, SLOW_CHAIN, b, c, SLOW_WHAT(SLOW_SPIN, 400), SLOW_WHAT(SLOW_SPIN, 400));
	wait_inside(c, n, n);
	CHECK_EQ(sys_kill(b), 0);
	wait_status(b, EXIT_KILLED);
	slow_status(c, &s);
	CHECK_EQ(s.done, n);
	CHECK_EQ(s.active, 0);
	join_jobs(n, "depth 3, B killed under C", 0, a, E_DIED, b, 0, 0);
	CHECK_EQ(chains_back(a), n);
	kill_wait(a, EXIT_KILLED);
	kill_wait(c, EXIT_KILLED);
}

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	long s;

	test_start("server_death");
	stats_snapshot(&before);
	for (int n = 1; n <= 4; n += 3) {
		depth1(n);
		depth3_inner(n);
		depth3_middle_inner(n);
		depth3_caller_died(n);
	}

	/* sys_exit inside a call ends the server; the caller gets E_DIED. */
	s = spawn_slow();
	CHECK_EQ(ipc_req(s, SLOW_THREAD_EXIT, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], E_PERM);
	CHECK_EQ(ipc_req(s, SLOW_EXIT, 7, 0, 0, &r), E_DIED);
	CHECK_EQ(r.pid, s);
	CHECK_EQ(r.d[0], 0);
	wait_status(s, 7);

	stats_settle(&before);
	test_pass();
	return 0;
}

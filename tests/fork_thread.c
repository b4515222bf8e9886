/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fork_thread: fork from a thread other than the first. fork needs the
 * caller to be its process's only live thread, so each case runs on a
 * fresh thread whose creator has exited (and been joined): a chain of
 * stages, each joining the one before. The child's first thread resumes on
 * a copy of the forking thread's root activation, at the same addresses
 * and of the same size, while its own calls and its new threads use slots
 * that no other live thread has (docs/ipc.md, "fork").
 *
 * Before, the child's root activation took the child's default reservation
 * (16 KiB) rather than the forking thread's size, and the slot holding it
 * was the parent thread's, not reserved for the child:
 *   - call: a thread whose root is 8 KiB forks and calls its child; the
 *     call's activation overlapped the child's 16 KiB root (E_BUSY);
 *   - deep: a thread with a 64 KiB root forks with 24 KiB of its stack in
 *     use; the child's stack ended at 16 KiB (EXIT_FAULT | 15);
 *   - slot: after the forking thread exited, its slot went to the child's
 *     next new thread, whose root was mapped already (E_NOMEM, every time).
 *
 * Every case runs twice; the second pass must leave free pages, processes
 * and threads where the first left them (the first builds the page tables
 * of the activation window the slots need).
 */
#include <test.h>

#define DEEP_BYTES (24 * 1024)
#define SLOT_THREADS 12         /* more than the slots in use below the forking thread's */
#define CHILD_FAIL 0x40         /* child's exit status on a failure: CHILD_FAIL | what */

enum { CASE_CALL, CASE_DEEP, CASE_SLOT, CASE_SLOT_CHECK, NCASES };

static const long case_frame[NCASES] = { 8192, 65536, ACT_DEFAULT, ACT_DEFAULT };
static const char *const case_name[NCASES] = { "call", "deep", "slot", "slot" };

static struct mstats baseline;
static volatile long prev_tid, slot_child, release_threads;
static volatile unsigned long go_signal;

/* Calls into this process, parent or child, are answered with d0 + 1. */
void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d1;
	(void)d2;
	(void)d3;
	ipc_resp(d0 + 1, 0, 0, 0);
}

void migrant_signal(unsigned long bits)
{
	go_signal |= bits;
}

static void wait_child(long pass, int which, long pid, long want)
{
	long status = -1;

	CHECK_EQ(sys_wait(pid, &status), 0);
	if (status != want)
		test_fail("pass %ld, %s: child %ld exited with status 0x%lx, want 0x%lx", pass,
			  case_name[which], pid, status, want);
}

static long fork_checked(long pass, int which)
{
	long pid = sys_fork();

	if (pid < 0)
		test_fail("pass %ld, %s: fork returned %ld", pass, case_name[which], pid);
	return pid;
}

/* The parent calls its child from the thread that forked it, whose root is 8 KiB. */
static void case_call(long pass)
{
	struct ipc_reply r;
	long pid = fork_checked(pass, CASE_CALL), st;

	if (pid == 0)
		for (;;)
			sys_notify_wait();
	st = ipc_req(pid, 41, 0, 0, 0, &r);
	if (st != 0 || r.d[0] != 42)
		test_fail("pass %ld, call: ipc_req into the child returned %ld (d0 %ld), want 0 (42)", pass,
			  st, r.d[0]);
	CHECK_EQ(sys_kill(pid), 0);
	wait_child(pass, CASE_CALL, pid, EXIT_KILLED);
}

/* Forks with DEEP_BYTES of a 64 KiB root in use; the child checks and rewrites all of it. */
static __attribute__((noinline)) void case_deep(long pass)
{
	volatile unsigned char buf[DEEP_BYTES];
	long pid;

	for (long i = 0; i < DEEP_BYTES; i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	pid = fork_checked(pass, CASE_DEEP);
	if (pid == 0) {
		for (long i = 0; i < DEEP_BYTES; i++) {
			if (buf[i] != (unsigned char)(i * 7 + 3))
				sys_exit(CHILD_FAIL | 1);
			buf[i] = 0;
		}
		sys_exit(0);
	}
	wait_child(pass, CASE_DEEP, pid, 0);
	for (long i = 0; i < DEEP_BYTES; i++)
		if (buf[i] != (unsigned char)(i * 7 + 3))
			test_fail("pass %ld, deep: the parent's stack changed at byte %ld", pass, i);
}

static long hold_slot(long unused)
{
	(void)unused;
	while (!release_threads)
		sys_yield();
	return 7;
}

/*
 * In the child, once the forking thread has exited: SLOT_THREADS threads at
 * once, so that the lowest free slots, the exited thread's among them, are
 * all handed out.
 */
static __attribute__((noreturn)) void slot_child_main(void)
{
	long tid[SLOT_THREADS], v = 0;

	/* Not a plain wait: a handler between the test and the wait would be missed. */
	for (unsigned long seen; !(seen = go_signal);)
		sys_notify_wait_while(&go_signal, seen);
	for (int i = 0; i < SLOT_THREADS; i++) {
		tid[i] = thread_spawn(HART_ANY, hold_slot, 0);
		if (tid[i] < 0) {
			printf("fork_thread: child: thread_create %d of %d returned %ld\n", i + 1,
			       SLOT_THREADS, tid[i]);
			sys_exit(CHILD_FAIL | 2);
		}
	}
	release_threads = 1;
	for (int i = 0; i < SLOT_THREADS; i++)
		if (sys_thread_join(tid[i], &v) != 0 || v != 7)
			sys_exit(CHILD_FAIL | 3);
	sys_exit(0);
}

/* Forks and leaves the child for the next stage, which runs after this thread exited. */
static void case_slot(long pass)
{
	long pid = fork_checked(pass, CASE_SLOT);

	if (pid == 0)
		slot_child_main();
	slot_child = pid;
}

static void case_slot_check(long pass)
{
	CHECK_EQ(sys_notify(slot_child, 1), 0);
	wait_child(pass, CASE_SLOT_CHECK, slot_child, 0);
	slot_child = 0;
}

static void run_case(long pass, int which)
{
	switch (which) {
	case CASE_CALL:
		case_call(pass);
		break;
	case CASE_DEEP:
		case_deep(pass);
		break;
	case CASE_SLOT:
		case_slot(pass);
		break;
	default:
		case_slot_check(pass);
		break;
	}
}

/*
 * Stage n joins the stage before, which leaves it its process's only live
 * thread, runs its case, then starts stage n + 1 with that case's root
 * size and exits.
 */
static long stage(long n)
{
	struct mself me;
	long pass = n / NCASES, next = n + 1;

	CHECK_EQ(sys_thread_join(prev_tid, NULL), 0);
	if (n == NCASES)
		stats_snapshot(&baseline);
	run_case(pass, (int)(n % NCASES));
	if (next == 2 * NCASES) {
		stats_settle(&baseline);
		test_pass();
	}
	sys_self(&me);
	prev_tid = me.tid;
	CHECK_OK(ipc_frame(case_frame[next % NCASES]));
	CHECK_OK(thread_spawn(HART_ANY, stage, next));
	CHECK_OK(ipc_frame(ACT_DEFAULT));
	return 0;
}

int main(void)
{
	struct mself me;

	test_start("fork_thread");
	sys_self(&me);
	prev_tid = me.tid;
	CHECK_OK(ipc_frame(case_frame[0]));
	CHECK_OK(thread_spawn(HART_ANY, stage, 0));
	CHECK_OK(ipc_frame(ACT_DEFAULT));
	sys_thread_exit(0);
	return 1;
}

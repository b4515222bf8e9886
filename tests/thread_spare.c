/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spare roots (core/activation.c): a thread that exits from a living
 * process leaves its root activation mapped there for the next thread.
 * - The pages it keeps show in stats.kept, and they do not grow with
 *   repeated or concurrent create/join: each new thread takes a spare.
 * - A spare of another size (the process changed its reservation) is not
 *   handed out: the new thread gets a root of the new size, which it
 *   touches at its far end.
 * - exec gives the old image's spares back (/spare_exec, then
 *   /spare_after checks it starts with none and can use its own).
 * - A child's spares go back when it ends: the free pages return.
 */
#include <test.h>

#define CYCLES 200

static long echo(long x)
{
	return x;
}

/* Touches the far end of a root activation of `bytes`: it faults if the root is smaller. */
static long touch_far(long bytes)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	unsigned long top = USER_ACT_BASE + ((sp - USER_ACT_BASE) / USER_ACT_SLOT + 1) * USER_ACT_SLOT;
	volatile char *far = (volatile char *)(top - (unsigned long)bytes + 64);

	*far = 1;
	return *far;
}

static long kept_now(void)
{
	struct mstats s;

	sys_stats(&s);
	return s.kept;
}

static void cycle(long hart, long (*fn)(long), long arg, long want)
{
	long v = -1, tid = thread_spawn(hart, fn, arg);

	if (tid <= 0)
		test_fail("thread_spawn returned %ld", tid);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(v, want);
}

static long churn(long rounds)
{
	for (long i = 0; i < rounds; i++) {
		long v = -1, tid = thread_spawn(HART_ANY, echo, i);

		if (tid <= 0 || sys_thread_join(tid, &v) != 0 || v != i)
			return 1;
	}
	return 0;
}

int main(void)
{
	struct mstats start;
	long harts = test_harts(), per, st = -1, pid;

	test_start("thread_spare");
	stats_snapshot(&start);
	CHECK_EQ(start.kept, 0);

	/* One exited thread leaves one spare; the next threads take it and leave it again. */
	cycle(0, echo, 7, 7);
	per = kept_now();
	if (per <= 0)
		test_fail("no pages kept after a thread exited (kept %ld)", per);
	for (long i = 0; i < CYCLES; i++)
		cycle(0, echo, i, i);
	CHECK_EQ(kept_now(), per);

	/* Threads made on every hart at once keep at most one spare a hart. */
	long tids[64];
	CHECK(harts <= 64);
	for (long h = 0; h < harts; h++)
		CHECK((tids[h] = thread_spawn(h, churn, CYCLES)) > 0);
	for (long h = 0; h < harts; h++) {
		long v = -1;

		CHECK_EQ(sys_thread_join(tids[h], &v), 0);
		CHECK_EQ(v, 0);
	}
	if (kept_now() > per * harts)
		test_fail("kept %ld pages, more than one spare (%ld) a hart", kept_now(), per);
	stats_settle(&start);

	/* A bigger reservation: the spares are the old size, so the thread gets a fresh root. */
	CHECK_EQ(ipc_frame(32 << 10), ACT_DEFAULT);
	cycle(0, touch_far, 32 << 10, 1);
	CHECK_EQ(ipc_frame(ACT_DEFAULT), 32 << 10);
	cycle(0, touch_far, ACT_DEFAULT, 1);
	stats_settle(&start);

	/* exec and teardown: the child's spares never outlive its image. */
	pid = sys_spawn("/spare_exec", 0);
	CHECK(pid > 0);
	CHECK_EQ(sys_wait(pid, &st), 0);
	if (st != 0)
		test_fail("spare_exec/spare_after ended with 0x%lx (1: spares at start, 2: a thread "
			  "failed, 3: none kept, 4: exec failed)", st);
	stats_settle(&start);
	test_pass();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Activations run out exactly where the rules say. A thread's stack is
 * ACT_STACK_SIZE (64 KiB); its root frame takes its root process's
 * reservation at thread creation (16 KiB by default), each migration the
 * callee's reservation R below the caller's. So a service that calls
 * itself (/svc_recurse) from our 16 KiB root reaches depth
 * floor(48 KiB / R), and its call for the next level fails with E_DEPTH
 * while the caller keeps running and answers; every level's answer is
 * checked on the way back (the sum of the levels, buffers intact, depth
 * and eid right). A thread created after we set our own reservation to
 * 4 KiB has a 4 KiB root and reaches 15 levels of 4 KiB.
 *
 * ACT_MAX_DEPTH (32 frames, root included) is never the limit: 64 KiB
 * holds at most 16 frames of the smallest reservation (one page), so the
 * space always runs out first; the deepest case here is 16 frames.
 */
#include <test.h>

#include "proto/recurse.h"

static long svc;

static void set_frame(long bytes)
{
	struct ipc_reply r;

	CHECK_EQ(ipc_req(svc, REC_FRAME, bytes, 0, 0, &r), 0);
	CHECK_OK(r.d[0]);
}

/* Recursion as deep as `max` from our thread; checks the deepest level and where E_DEPTH hit. */
static void expect_depth(long root, long r_bytes, long max, long deepest, long failed_at)
{
	struct ipc_reply r;
	long st = ipc_req(svc, REC_DOWN, 1, max, 0, &r);
	long sum = deepest * (deepest + 1) / 2;

	if (st != 0 || r.pid != svc || r.d[0] != sum || r.d[1] != deepest || r.d[2] != failed_at ||
	    r.d[3] != 0)
		test_fail("root %ld, frames of %ld, up to %ld: status %ld sum %ld deepest %ld "
			  "E_DEPTH at %ld errors %lx; want sum %ld deepest %ld E_DEPTH at %ld",
			  root, r_bytes, max, st, r.d[0], r.d[1], r.d[2], r.d[3], sum, deepest,
			  failed_at);
}

static void sweep(long root)
{
	static const long sizes[] = { 4096, 8192, 12288, 16384, 20480, 28672, 49152 };

	for (unsigned i = 0; i < ARRAY_LEN(sizes); i++) {
		long fit = (ACT_STACK_SIZE - root) / sizes[i];

		set_frame(sizes[i]);
		expect_depth(root, sizes[i], ACT_MAX_DEPTH, fit, fit + 1);
		/* Stopping short of the limit fails nowhere. */
		expect_depth(root, sizes[i], fit, fit, 0);
		if (fit > 1)
			expect_depth(root, sizes[i], fit - 1, fit - 1, 0);
	}
}

static long small_root_thread(long unused)
{
	(void)unused;
	sweep(4096);
	return 0;
}

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	long tid, v = -1;

	test_start("activation_exhaustion");
	stats_snapshot(&before);
	svc = sys_spawn("/svc_recurse", 0);
	CHECK(svc > 0);

	/* The reservation's rules, on our own process. */
	CHECK_EQ(ipc_frame(0), E_INVAL);
	CHECK_EQ(ipc_frame(100), E_INVAL);
	CHECK_EQ(ipc_frame(4097), E_INVAL);
	CHECK_EQ(ipc_frame(ACT_STACK_SIZE + 4096), E_RANGE);
	CHECK_EQ(ipc_frame(ACT_DEFAULT), ACT_DEFAULT);

	/* Our main thread's root frame is 16 KiB. */
	sweep(ACT_DEFAULT);

	/* A callee reserving the whole stack never fits: every call fails at once, and we keep running. */
	set_frame(ACT_STACK_SIZE);
	CHECK_EQ(ipc_req(svc, REC_DOWN, 1, 1, 0, &r), E_DEPTH);
	CHECK_EQ(ipc_req(svc, REC_FRAME, 49152, 0, 0, &r), E_DEPTH);
	CHECK_EQ(ipc_req(svc, REC_FRAME, 4096, 0, 0, &r), E_DEPTH);
	CHECK_EQ(ipc_depth(0), 0);

	/*
	 * To shrink it back we need a frame that fits: a thread with a 4 KiB
	 * root still cannot host 64 KiB, so spawn a fresh service instead.
	 */
	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &v), 0);
	svc = sys_spawn("/svc_recurse", 0);
	CHECK(svc > 0);

	/* A thread created with our reservation at 4 KiB has a 4 KiB root: 15 levels. */
	CHECK_EQ(ipc_frame(4096), ACT_DEFAULT);
	tid = thread_spawn(HART_ANY, small_root_thread, 0);
	CHECK_OK(tid);
	CHECK_EQ(ipc_frame(ACT_DEFAULT), 4096);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(v, 0);
	/* Our main thread keeps its 16 KiB root. */
	set_frame(4096);
	expect_depth(ACT_DEFAULT, 4096, ACT_MAX_DEPTH, 12, 13);

	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &v), 0);
	CHECK_EQ(v, EXIT_KILLED);
	stats_settle(&before);
	test_pass();
	return 0;
}

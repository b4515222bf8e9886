/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spawn and thread creation when memory runs out at every step. Found by
 * make stress HARTS=4 SECONDS=600 LOCKING=fine LOCKDEBUG=1 (seed
 * 4134044079, a store fault at address 0 in pt_unmap_run): the fuzzer's
 * large mem_allocs had used up memory, a new thread got its stack and
 * activation pages but not the page-table page to map its root frame, and
 * the undo unmapped that never-mapped frame through a null entry pointer.
 *
 * The test takes all memory, LADDER single pages of it last, then gives
 * those back one at a time. After each, it tries a spawn (/svc_null) and a
 * thread_create: each must fail with E_NOMEM, or succeed; a spawned
 * service must answer, a thread must run and be joined. Once all memory is
 * back both must succeed, and free pages, processes and threads must be
 * back where they started. A kernel stack is 4 contiguous pages from the
 * buddy allocator, which freed single pages (kept in a per-hart cache)
 * rarely make, so this need not reach the root frame's page table; the
 * crash was checked by making start_thread fail before the mapping.
 */
#include <stdbool.h>
#include <memhog.h>
#include <test.h>

#define LADDER 36               /* single pages handed back one by one */

static struct memhog hog;

static long echo(long x)
{
	return x;
}

/* A failed try frees part of what it took through an epoch: wait for it. */
static void wait_undone(void)
{
	struct mstats s;

	for (sys_stats(&s); s.deferred; sys_stats(&s))
		sys_yield();
}

/* One try of each; returns whether both have succeeded by now. */
static bool try_both(bool *spawned, bool *threaded)
{
	if (!*spawned) {
		long pid = sys_spawn("/svc_null", 0), status;

		if (pid > 0) {
			struct ipc_reply r;

			CHECK_EQ(ipc_req(pid, 41, 0, 0, 0, &r), 0);
			CHECK_EQ(r.d[0], 42);
			CHECK_EQ(sys_kill(pid), 0);
			CHECK_EQ(sys_wait(pid, &status), 0);
			*spawned = true;
		} else if (pid != E_NOMEM) {
			test_fail("spawn with %ld pages held returned %ld", hog.nsingle, pid);
		}
	}
	if (!*threaded) {
		long tid = thread_spawn(HART_ANY, echo, 7), v = -1;

		if (tid > 0) {
			CHECK_EQ(sys_thread_join(tid, &v), 0);
			CHECK_EQ(v, 7);
			*threaded = true;
		} else if (tid != E_NOMEM) {
			test_fail("thread_create with %ld pages held returned %ld", hog.nsingle, tid);
		}
	}
	return *spawned && *threaded;
}

int main(void)
{
	struct mstats before;
	bool spawned = false, threaded = false;
	long tries = 0;

	test_start("spawn_nomem");
	stats_snapshot(&before);
	memhog_take(&hog, LADDER);
	while (!try_both(&spawned, &threaded) && hog.nsingle > 0) {
		tries++;
		memhog_give_singles(&hog, hog.nsingle - 1);
		wait_undone();
	}
	printf("spawn_nomem: %ld tries with memory short: spawn %s, thread_create %s\n", tries,
	       spawned ? "succeeded at last" : "E_NOMEM throughout",
	       threaded ? "succeeded at last" : "E_NOMEM throughout");
	memhog_give(&hog);
	wait_undone();
	if (!try_both(&spawned, &threaded))
		test_fail("spawn %s, thread_create %s with all memory given back",
			  spawned ? "ok" : "failed", threaded ? "ok" : "failed");
	stats_settle(&before);
	test_pass();
}

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
#include <test.h>

#define PAGE 4096l
#define LADDER 36               /* single pages handed back one by one */
#define CHUNKS 24               /* with the ladder and our image, within 64 regions */

static long chunk_va[CHUNKS], chunk_len[CHUNKS], single[LADDER];
static long nchunks, nsingle;

static long echo(long x)
{
	return x;
}

/*
 * Takes LADDER single pages, then all other memory in halving chunks (an
 * address space has only 64 regions, so it cannot go page by page).
 */
static void take_memory(void)
{
	long size = MEM_ALLOC_MAX;

	while (nsingle < LADDER) {
		single[nsingle] = sys_mem_alloc(PAGE);
		CHECK(single[nsingle] > 0);
		nsingle++;
	}
	while (size >= PAGE) {
		long va = sys_mem_alloc(size);

		if (va == E_NOMEM) {
			size /= 2;
			continue;
		}
		CHECK(va > 0);
		if (nchunks == CHUNKS)
			test_fail("still memory after %d chunks", CHUNKS);
		chunk_va[nchunks] = va;
		chunk_len[nchunks++] = size;
	}
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
			test_fail("spawn with %ld pages held returned %ld", nsingle, pid);
		}
	}
	if (!*threaded) {
		long tid = thread_spawn(HART_ANY, echo, 7), v = -1;

		if (tid > 0) {
			CHECK_EQ(sys_thread_join(tid, &v), 0);
			CHECK_EQ(v, 7);
			*threaded = true;
		} else if (tid != E_NOMEM) {
			test_fail("thread_create with %ld pages held returned %ld", nsingle, tid);
		}
	}
	return *spawned && *threaded;
}

static void free_chunks(void)
{
	while (nchunks > 0) {
		nchunks--;
		CHECK_EQ(sys_mem_free((void *)chunk_va[nchunks], chunk_len[nchunks]), 0);
	}
}

int main(void)
{
	struct mstats before;
	bool spawned = false, threaded = false;
	long tries = 0;

	test_start("spawn_nomem");
	stats_snapshot(&before);
	take_memory();
	while (!try_both(&spawned, &threaded) && nsingle > 0) {
		tries++;
		nsingle--;
		CHECK_EQ(sys_mem_free((void *)single[nsingle], PAGE), 0);
		wait_undone();
	}
	printf("spawn_nomem: %ld tries with memory short: spawn %s, thread_create %s\n", tries,
	       spawned ? "succeeded at last" : "E_NOMEM throughout",
	       threaded ? "succeeded at last" : "E_NOMEM throughout");
	while (nsingle > 0) {
		nsingle--;
		CHECK_EQ(sys_mem_free((void *)single[nsingle], PAGE), 0);
	}
	free_chunks();
	wait_undone();
	if (!try_both(&spawned, &threaded))
		test_fail("spawn %s, thread_create %s with all memory given back",
			  spawned ? "ok" : "failed", threaded ? "ok" : "failed");
	stats_settle(&before);
	test_pass();
}

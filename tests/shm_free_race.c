/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shm_free_race: the owner frees a region while a thread on another hart
 * keeps mapping it. A region's pages must stay allocated until the last
 * mapping is gone: before, shm_free dropped the region's references at
 * once, so a page could reach zero while a shm_map that had already found
 * the region was still taking its references page by page; that map then
 * held a freed page, which the next allocation handed out again, and what
 * the mapper wrote there showed up in someone else's fresh region.
 *
 * Each round the owner (hart 0) creates a SHM_MAX region, lets the mapper
 * (hart 1) map it at least once, frees it, and at once creates a fresh
 * region and maps it: every word 0 of that fresh region must read 0 (new
 * pages are zeroed) and go on reading 0 while the mapper, which writes
 * MARK into word 0 of every page it maps, runs on. At the end free pages,
 * processes and threads are back where they started.
 */
#include <test.h>

#define ROUNDS 40
#define PAGE 4096l
#define NPAGES ((long)(SHM_MAX / PAGE))
#define MARK 0x5ca1ab1e0ddba11l

static volatile long region, maps, stop;

static long mapper(long unused)
{
	(void)unused;
	while (!stop) {
		unsigned long size;
		long id = region, va;

		if (id <= 0)
			continue;
		va = shm_map(id, &size);
		if (va == E_NOENT)
			continue;
		if (va <= 0)
			test_fail("shm_map(%ld) returned %ld", id, va);
		for (long i = 0; i < (long)(size / PAGE); i++)
			*(volatile long *)(va + i * PAGE) = MARK;
		CHECK_EQ(shm_unmap((void *)va), 0);
		maps++;
	}
	return 0;
}

/* Word 0 of every page of a fresh region, read several times while the mapper runs. */
static void check_fresh(long round)
{
	unsigned long size;
	long id = shm_create(SHM_MAX), va;

	CHECK(id > 0);
	va = shm_map(id, &size);
	CHECK(va > 0);
	for (int pass = 0; pass < 8; pass++) {
		for (long i = 0; i < NPAGES; i++) {
			long w = *(volatile long *)(va + i * PAGE);

			if (w != 0)
				test_fail("round %ld: page %ld of a fresh region reads %lx: "
					  "a freed page was reused while mapped", round, i, w);
		}
		sys_yield();
	}
	CHECK_EQ(shm_unmap((void *)va), 0);
	CHECK_EQ(shm_free(id), 0);
}

int main(void)
{
	struct mstats before;
	long harts = test_harts(), tid, v = -1;

	test_start("shm_free_race");
	if (harts > 1)
		CHECK_EQ(sys_thread_pin(0), 0);
	check_fresh(-1);
	stats_snapshot(&before);
	tid = thread_spawn(harts > 1 ? 1 : HART_ANY, mapper, 0);
	CHECK(tid > 0);
	for (long round = 0; round < ROUNDS; round++) {
		long id = shm_create(SHM_MAX), seen = maps;

		CHECK(id > 0);
		region = id;
		while (maps == seen)
			sys_yield();
		CHECK_EQ(shm_free(id), 0);
		check_fresh(round);
	}
	stop = 1;
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	printf("shm_free_race: %d rounds, %ld maps\n", ROUNDS, maps);
	stats_settle(&before);
	test_pass();
}

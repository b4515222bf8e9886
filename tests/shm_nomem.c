/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shm_create when memory runs out part way through the region's pages.
 * Each page the region took carries its reference; the undo must drop
 * that reference (page_unref), not free the page under it (page_free),
 * or the page goes back with a count of 1 and the next process that maps
 * and unmaps it never frees it again.
 *
 * The test takes all memory, hands FREED single pages back, and asks for
 * a whole SHM_MAX region, which must fail with E_NOMEM after taking what
 * there was. Then it gives all memory back, takes it all again and gives
 * it back again, so that every page the failed create touched is mapped
 * and unmapped once more: free pages, processes and threads must then be
 * back where they started.
 */
#include <memhog.h>
#include <test.h>

#define SINGLES 8               /* single pages, taken last */
#define FREED 4                 /* of them handed back before the create */

/* A whole region made, mapped, touched, unmapped and freed: also warms the region cache. */
static void shm_cycle(void)
{
	unsigned long size;
	long id = shm_create(SHM_MAX), va;

	CHECK(id > 0);
	va = shm_map(id, &size);
	CHECK(va > 0);
	CHECK_EQ(size, SHM_MAX);
	*(volatile long *)va = 1;
	CHECK_EQ(shm_unmap((void *)va), 0);
	CHECK_EQ(shm_free(id), 0);
}

int main(void)
{
	struct mstats before;
	struct memhog hog = { 0 };
	long r;

	test_start("shm_nomem");
	shm_cycle();
	stats_snapshot(&before);
	memhog_take(&hog, SINGLES);
	memhog_give_singles(&hog, SINGLES - FREED);
	r = shm_create(SHM_MAX);
	if (r != E_NOMEM)
		test_fail("shm_create of %lu bytes with %d pages free returned %ld, want E_NOMEM",
			  (unsigned long)SHM_MAX, FREED, r);
	memhog_give(&hog);
	memhog_take(&hog, SINGLES);
	memhog_give(&hog);
	shm_cycle();
	stats_settle(&before);
	test_pass();
}

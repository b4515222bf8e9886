/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The page-table pages an unmap empties go back only after every hart
 * that was in the kernel on the space has left it: such a hart gets no
 * IPI, but its walker may cache the tables (mm/tlb.c, tlb_free_tables).
 *
 * Each round a thread on hart 1 stays in the kernel for HOLD_US
 * (sys_hold HOLD_KERNEL), with this process's space in satp. Meanwhile
 * the main thread, on hart 0, frees a private region large enough to
 * have a last-level table of its own. While hart 1 is still in the
 * kernel, stats must count the tables as pending (deferred); once it
 * has left, they go back: free pages, processes, threads and the
 * deferred count return to where they were. A round counts when the
 * free and the stats call fell inside the hold (hart 1 reports its
 * times); on a starved host one may not, and the test needs HELD_ROUNDS
 * that did (held.h).
 */
#include "held.h"

#define PAGE       4096l
#define REGION     (4l << 20)  /* covers a whole 2 MiB block: a table only it uses */
#define HOLD_US    300000
#define ENTER_MS   20          /* time for hart 1 to get from its flag into the kernel */

static volatile long entering;
static unsigned long hold_start, hold_stop;

static long holder(long unused)
{
	(void)unused;
	entering = 1;
	CHECK_EQ(sys_hold(HOLD_KERNEL, HOLD_US, &hold_start, &hold_stop), 0);
	return 0;
}

/* Yields until nothing is left to free, so that the round's own deferral is what stats counts. */
static void wait_quiet(void)
{
	struct mstats s;
	unsigned long t0 = held_now();

	do {
		sys_yield();
		sys_stats(&s);
	} while (s.deferred && held_now() - t0 < STATS_SETTLE_SECONDS * held_hz);
	CHECK_EQ(s.deferred, 0);
}

/* Returns whether the free fell inside hart 1's hold. */
static bool tables_round(long round, const struct mstats *before)
{
	struct mstats during;
	long va = sys_mem_alloc(REGION), tid, v;
	unsigned long t0, t1;
	bool inside;

	CHECK(va > 0);
	for (long off = 0; off < REGION; off += PAGE)
		*(volatile long *)(va + off) = off;
	wait_quiet();
	entering = 0;
	tid = thread_spawn(1, holder, 0);
	CHECK(tid > 0);
	while (!entering)
		;
	for (t0 = held_now(); held_now() - t0 < held_hz * ENTER_MS / 1000;)
		;
	t0 = held_now();
	CHECK_EQ(sys_mem_free((void *)va, REGION), 0);
	sys_stats(&during);
	t1 = held_now();
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	inside = hold_start < t0 && t1 < hold_stop;
	if (inside && during.deferred < 1)
		test_fail("round %ld: the region's page tables went back while hart 1 was in the kernel "
			  "on the space (deferred %ld)", round, during.deferred);
	printf("tlb_tables_deferred: round %ld: deferred %ld during the hold, the free %s it\n", round,
	       during.deferred, inside ? "inside" : "outside");
	stats_settle(before);
	return inside;
}

int main(void)
{
	held_run("tlb_tables_deferred", tables_round, "freed inside hart 1's hold");
}

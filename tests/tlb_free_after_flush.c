/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A page goes back only after every hart that may still use a
 * translation of it has entered the kernel (mm/tlb.h): mem_free must not
 * return, its page must not be free, while a target runs on in user mode
 * with the IPI of its shootdown pending.
 *
 * Each round a thread on hart 1 stores to a fresh private page, so its
 * TLB holds the page's translation, then holds its hart's interrupts off
 * (sys_hold HOLD_USER) and goes on storing for WINDOW_MS, all in user
 * mode, through that cached translation; before every store it reads
 * `freed`. It sets `done` just before the syscall that ends its window.
 * Meanwhile the main thread, on hart 0, frees the page. When mem_free
 * returns, `done` must read 1 (the toucher entered the kernel first),
 * and no store may follow the main thread's `freed` (`late`: such a
 * store went to a page that was already free). A round counts when the
 * free began inside the window; on a starved host one may not, and the
 * test needs HELD_ROUNDS that did (held.h). At the end free pages,
 * processes and threads are back where they started.
 */
#include "held.h"

#define PAGE       4096l
#define HOLD_US    400000     /* the hold's bound, far beyond the window */
#define WINDOW_MS  50         /* the toucher's stores inside the hold */

static volatile long *page;
static volatile long touching, done, freed, late;

/* On hart 1. Inside the window nothing traps: the only kernel entry is the yield that ends it. */
static long toucher(long unused)
{
	unsigned long start, end, stop, n = 0;

	(void)unused;
	page[0] = 1;
	CHECK_EQ(sys_hold(HOLD_USER, HOLD_US, &start, &end), 0);
	stop = start + held_hz * WINDOW_MS / 1000;
	while (held_now() < stop) {
		if (freed) {
			page[1] = 2;
			late = 1;
			break;
		}
		page[0] = (long)++n;
		touching = 1;
	}
	done = 1;
	sys_yield();
	return (long)n;
}

/* Returns whether the free began inside the toucher's window. */
static bool free_round(long round, const struct mstats *before)
{
	long va = sys_mem_alloc(PAGE), tid, stores = -1, done_at_return;
	bool open;

	(void)before;
	CHECK(va > 0);
	page = (volatile long *)va;
	touching = done = freed = late = 0;
	tid = thread_spawn(1, toucher, 0);
	CHECK(tid > 0);
	while (!touching && !done)
		;
	open = !done;
	CHECK_EQ(sys_mem_free((void *)va, PAGE), 0);
	done_at_return = done;
	freed = 1;
	CHECK_EQ(sys_thread_join(tid, &stores), 0);
	if (late)
		test_fail("round %ld: hart 1 stored through the page's old translation after mem_free "
			  "had returned", round);
	if (!done_at_return)
		test_fail("round %ld: mem_free returned while hart 1 still ran user code with the page's "
			  "translation and its shootdown pending", round);
	printf("tlb_free_after_flush: round %ld: %ld stores in the window, the free %s it\n", round, stores,
	       open ? "inside" : "after");
	return open;
}

int main(void)
{
	held_run("tlb_free_after_flush", free_round, "freed the page inside the window");
}

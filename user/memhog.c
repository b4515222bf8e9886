/* SPDX-License-Identifier: BSD-2-Clause */
#include <memhog.h>
#include <test.h>

#define PAGE 4096l

/* mem_alloc's all, in halving chunks; how many it took. */
static long take_chunks(struct memhog *h)
{
	long size = MEM_ALLOC_MAX, taken = 0;

	while (size >= PAGE) {
		long va = sys_mem_alloc(size);

		if (va == E_NOMEM) {
			size /= 2;
			continue;
		}
		CHECK(va > 0);
		if (h->nchunks == MEMHOG_CHUNKS || h->nsingle + h->nchunks == MEMHOG_REGIONS)
			test_fail("still memory after %ld chunks", h->nchunks);
		h->chunk_va[h->nchunks] = va;
		h->chunk_len[h->nchunks++] = size;
		taken++;
	}
	return taken;
}

/*
 * Waits until no free is deferred and every hart has had a few ticks:
 * memory keeps coming back for a while after mem_alloc first fails. A
 * failed allocation asks every hart to give its page caches back, which
 * each does at its next tick, and frees wait for a grace period.
 */
static void let_memory_return(void)
{
	unsigned long hz, t0 = sys_clock(&hz);
	struct mstats s;

	do {
		sys_yield();
		sys_stats(&s);
	} while ((s.deferred || sys_clock(NULL) - t0 < hz / 10) && sys_clock(NULL) - t0 < 2 * hz);
}

void memhog_take(struct memhog *h, long singles)
{
	CHECK(singles <= MEMHOG_SINGLES);
	while (h->nsingle < singles) {
		h->single[h->nsingle] = sys_mem_alloc(PAGE);
		CHECK(h->single[h->nsingle] > 0);
		h->nsingle++;
	}
	/* Again until a pass finds nothing: the harts' caches and the deferred frees give back. */
	let_memory_return();
	take_chunks(h);
	for (int pass = 0; pass < 8; pass++) {
		let_memory_return();
		if (!take_chunks(h))
			break;
	}
}

void memhog_give_singles(struct memhog *h, long keep)
{
	while (h->nsingle > keep) {
		h->nsingle--;
		CHECK_EQ(sys_mem_free((void *)h->single[h->nsingle], PAGE), 0);
	}
}

void memhog_give(struct memhog *h)
{
	memhog_give_singles(h, 0);
	while (h->nchunks > 0) {
		h->nchunks--;
		CHECK_EQ(sys_mem_free((void *)h->chunk_va[h->nchunks], h->chunk_len[h->nchunks]), 0);
	}
}

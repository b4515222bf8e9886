/* SPDX-License-Identifier: BSD-2-Clause */
#include <memhog.h>
#include <test.h>

#define PAGE 4096l

void memhog_take(struct memhog *h, long singles)
{
	long size = MEM_ALLOC_MAX;

	CHECK(singles <= MEMHOG_SINGLES);
	while (h->nsingle < singles) {
		h->single[h->nsingle] = sys_mem_alloc(PAGE);
		CHECK(h->single[h->nsingle] > 0);
		h->nsingle++;
	}
	while (size >= PAGE) {
		long va = sys_mem_alloc(size);

		if (va == E_NOMEM) {
			size /= 2;
			continue;
		}
		CHECK(va > 0);
		if (h->nchunks == MEMHOG_CHUNKS)
			test_fail("still memory after %d chunks", MEMHOG_CHUNKS);
		h->chunk_va[h->nchunks] = va;
		h->chunk_len[h->nchunks++] = size;
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

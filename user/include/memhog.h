/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Taking all free memory, for tests of what the kernel does when it runs
 * out. An address space has only 64 regions, so the hog cannot go page
 * by page: it takes a few single pages first, which a test can hand back
 * one at a time, then the rest in halving chunks, again until a pass
 * finds nothing: memory keeps coming back for a while after the first
 * allocation fails (the harts' page caches, deferred frees).
 */
#ifndef MIGRANT_MEMHOG_H
#define MIGRANT_MEMHOG_H

#define MEMHOG_SINGLES 40
#define MEMHOG_CHUNKS 56
#define MEMHOG_REGIONS 58       /* singles and chunks: with a test's image, within 64 regions */

struct memhog {
	long single[MEMHOG_SINGLES], nsingle;
	long chunk_va[MEMHOG_CHUNKS], chunk_len[MEMHOG_CHUNKS], nchunks;
};

/* Takes `singles` single pages (at most MEMHOG_SINGLES), then all other memory; fails the test if it cannot. */
void memhog_take(struct memhog *h, long singles);
/* Gives single pages back until `keep` are left. */
void memhog_give_singles(struct memhog *h, long keep);
/* Gives everything back. */
void memhog_give(struct memhog *h);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit test for the buddy allocator bookkeeping (src/mm/buddy.c).
 * Every allocator state is checked against an independent shadow model:
 * which frames are live (allocated), which were ever handed to the
 * allocator, and the free lists walked link by link.
 */
#include "../../lib/buddy.c"
#include "check.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint32_t rnd_below(uint32_t n) { return (uint32_t)(rnd() % n); }

struct model {
    uint32_t n;
    uint8_t *live;               /* frame belongs to an allocated block */
    uint8_t *managed;            /* frame was given to the allocator */
};

struct fixture {
    struct buddy b;
    struct buddy_frame *frames;
    struct model m;
};

/* Frames are malloc'd at exactly n entries so ASan flags any stray index. */
static void fx_init(struct fixture *fx, uint32_t n)
{
    fx->frames = malloc(sizeof(*fx->frames) * (n ? n : 1));
    memset(fx->frames, 0xa5, sizeof(*fx->frames) * (n ? n : 1));  /* poison */
    buddy_init(&fx->b, fx->frames, n);
    fx->m.n = n;
    fx->m.live = calloc(n ? n : 1, 1);
    fx->m.managed = calloc(n ? n : 1, 1);
}

static void fx_fini(struct fixture *fx)
{
    free(fx->frames);
    free(fx->m.live);
    free(fx->m.managed);
}

static void fx_free_range(struct fixture *fx, uint32_t first, uint32_t count)
{
    for (uint32_t i = first; i < first + count; i++)
        fx->m.managed[i] = 1;
    buddy_free_range(&fx->b, first, count);
}

static uint64_t model_nfree(const struct model *m)
{
    uint64_t c = 0;
    for (uint32_t i = 0; i < m->n; i++)
        c += m->managed[i] && !m->live[i];
    return c;
}

/* Walks every free list and checks it against the model; fills per-order block counts. */
static void validate(const struct fixture *fx, uint32_t counts[BUDDY_ORDERS])
{
    const struct buddy *b = &fx->b;
    const struct model *m = &fx->m;
    uint32_t n = m->n;
    uint8_t *inlist = calloc(n ? n : 1, 1);
    uint8_t *ishead = calloc(n ? n : 1, 1);
    uint64_t total = 0;
    bool ok = true;

    CHECK_EQ(b->nframes, n);
    for (unsigned o = 0; o < BUDDY_ORDERS; o++) {
        uint32_t prev = BUDDY_NONE, steps = 0, cnt = 0;
        for (uint32_t f = b->head[o]; f != BUDDY_NONE; f = b->frames[f].next) {
            CHECK(++steps <= n);                        /* no cycle */
            CHECK(f < n);
            CHECK_EQ(f & ((1u << o) - 1), 0);          /* aligned to 2^o from frame 0 */
            CHECK((uint64_t)f + (1u << o) <= n);
            CHECK_EQ(b->frames[f].free, 1);
            CHECK_EQ(b->frames[f].order, o);
            CHECK_EQ(b->frames[f].prev, prev);
            ishead[f] = 1;
            for (uint32_t i = f; i < f + (1u << o); i++) {
                ok &= !inlist[i] && !m->live[i] && m->managed[i];
                inlist[i] = 1;
            }
            total += 1u << o;
            prev = f;
            cnt++;
        }
        if (counts)
            counts[o] = cnt;
    }
    CHECK(ok);                   /* free blocks disjoint, not live, all managed */
    CHECK_EQX(total, b->nfree);
    CHECK_EQX(b->nfree, model_nfree(m));
    /* Every managed frame is exactly one of live/free; only list heads carry free=1. */
    for (uint32_t i = 0; i < n; i++) {
        ok &= m->managed[i] ? (m->live[i] ^ inlist[i]) : (!m->live[i] && !inlist[i]);
        ok &= (b->frames[i].free == 1) == (ishead[i] == 1);
    }
    CHECK(ok);
    free(inlist);
    free(ishead);
}

/* Is some 2^k-aligned run of 2^k frames entirely managed and not live? */
static bool model_has_free_block(const struct model *m, unsigned k)
{
    uint32_t sz = 1u << k;
    for (uint64_t base = 0; base + sz <= m->n; base += sz) {
        bool all = true;
        for (uint32_t i = 0; i < sz && all; i++)
            all = m->managed[base + i] && !m->live[base + i];
        if (all)
            return true;
    }
    return false;
}

/* Allocates through the allocator and checks the result against the model. */
static uint32_t fx_alloc(struct fixture *fx, unsigned k)
{
    uint64_t before = fx->b.nfree;
    bool possible = k < BUDDY_ORDERS && model_has_free_block(&fx->m, k);
    uint32_t f = buddy_alloc(&fx->b, k);
    if (f == BUDDY_NONE) {
        /* Fully coalesced: failure means no aligned free run of that size exists. */
        CHECK(!possible);
        CHECK_EQX(fx->b.nfree, before);
        return f;
    }
    CHECK(possible);
    CHECK(f < fx->m.n);
    CHECK((uint64_t)f + (1u << k) <= fx->m.n);
    CHECK_EQ(f & ((1u << k) - 1), 0);
    bool ok = true;
    for (uint32_t i = f; i < f + (1u << k); i++) {
        ok &= fx->m.managed[i] && !fx->m.live[i];
        fx->m.live[i] = 1;
    }
    CHECK(ok);                   /* did not overlap a live block or unmanaged frames */
    CHECK_EQX(fx->b.nfree, before - (1u << k));
    return f;
}

static void fx_free(struct fixture *fx, uint32_t f, unsigned k)
{
    uint64_t before = fx->b.nfree;
    for (uint32_t i = f; i < f + (1u << k); i++)
        fx->m.live[i] = 0;
    buddy_free(&fx->b, f, k);
    CHECK_EQX(fx->b.nfree, before + (1u << k));
}

/* Free lists of a fully free [0, n): order-10 blocks, then the bits of n mod 1024. */
static void check_canonical(const struct fixture *fx)
{
    uint32_t counts[BUDDY_ORDERS];
    validate(fx, counts);
    uint32_t n = fx->m.n;
    for (unsigned o = 0; o < BUDDY_ORDERS; o++) {
        uint32_t want = o == BUDDY_ORDERS - 1 ? n >> o : (n >> o) & 1;
        CHECK_EQ(counts[o], want);
    }
}

static void shuffle(uint32_t *a, uint32_t n)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = rnd_below(i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

static void test_fill_and_drain(uint32_t n)
{
    struct fixture fx;
    fx_init(&fx, n);
    CHECK_EQX(fx.b.nfree, 0);
    for (unsigned k = 0; k < BUDDY_ORDERS; k++)
        CHECK_EQX(buddy_alloc(&fx.b, k), BUDDY_NONE);   /* nothing freed yet */
    fx_free_range(&fx, 0, n);
    CHECK_EQX(fx.b.nfree, n);
    check_canonical(&fx);

    /* Every frame at order 0: distinct, in range, nfree counts down to 0. */
    uint32_t *got = malloc(sizeof(uint32_t) * n);
    for (uint32_t i = 0; i < n; i++) {
        got[i] = fx_alloc(&fx, 0);
        CHECK(got[i] != BUDDY_NONE);
        CHECK_EQX(fx.b.nfree, n - i - 1);
    }
    CHECK_EQX(fx.b.nfree, 0);
    for (unsigned k = 0; k < BUDDY_ORDERS; k++)
        CHECK_EQX(buddy_alloc(&fx.b, k), BUDDY_NONE);
    CHECK_EQX(fx.b.nfree, 0);
    validate(&fx, NULL);

    /* Free in shuffled order; everything must coalesce back to the canonical tiling. */
    shuffle(got, n);
    for (uint32_t i = 0; i < n; i++) {
        fx_free(&fx, got[i], 0);
        if (n <= 64 || i % 97 == 0)
            validate(&fx, NULL);
    }
    CHECK_EQX(fx.b.nfree, n);
    check_canonical(&fx);

    /* An order-k block exists iff n >= 2^k (the run [0, 2^k) is aligned). */
    for (unsigned k = 0; k < BUDDY_ORDERS; k++) {
        uint32_t f = fx_alloc(&fx, k);
        if (n >= (1u << k)) {
            CHECK(f != BUDDY_NONE);
            fx_free(&fx, f, k);
        } else {
            CHECK_EQX(f, BUDDY_NONE);
        }
        check_canonical(&fx);
    }
    /* Orders past the largest never succeed. */
    CHECK_EQX(buddy_alloc(&fx.b, BUDDY_ORDERS), BUDDY_NONE);
    CHECK_EQX(buddy_alloc(&fx.b, 31), BUDDY_NONE);
    CHECK_EQX(fx.b.nfree, n);

    /* Largest blocks first: exactly n >> 10 order-10 blocks, then the rest by bits. */
    uint32_t big = 0;
    while (fx_alloc(&fx, BUDDY_ORDERS - 1) != BUDDY_NONE)
        big++;
    CHECK_EQ(big, n >> (BUDDY_ORDERS - 1));
    CHECK_EQX(fx.b.nfree, n & ((1u << (BUDDY_ORDERS - 1)) - 1));
    validate(&fx, NULL);
    free(got);
    fx_fini(&fx);
}

/* Frees all even frames, then all odd ones: no merging until buddies meet. */
static void test_even_odd(void)
{
    const uint32_t n = 1024;
    struct fixture fx;
    fx_init(&fx, n);
    fx_free_range(&fx, 0, n);
    uint32_t *got = malloc(sizeof(uint32_t) * n);
    uint8_t *seen = calloc(n, 1);
    for (uint32_t i = 0; i < n; i++) {
        got[i] = fx_alloc(&fx, 0);
        CHECK(!seen[got[i]]);
        seen[got[i]] = 1;
    }
    uint32_t counts[BUDDY_ORDERS];
    for (uint32_t f = 0; f < n; f += 2)
        fx_free(&fx, f, 0);
    validate(&fx, counts);
    CHECK_EQ(counts[0], n / 2);
    for (unsigned o = 1; o < BUDDY_ORDERS; o++)
        CHECK_EQ(counts[o], 0);
    CHECK_EQX(fx_alloc(&fx, 1), BUDDY_NONE);    /* no two adjacent free frames */
    for (uint32_t f = 1; f < n; f += 2)
        fx_free(&fx, f, 0);
    check_canonical(&fx);
    CHECK_EQX(fx_alloc(&fx, BUDDY_ORDERS - 1), 0);
    free(got);
    free(seen);
    fx_fini(&fx);
}

/* Ranges that do not start at 0: alignment stays relative to frame 0. */
static void test_offset_ranges(void)
{
    struct fixture fx;
    uint32_t counts[BUDDY_ORDERS];

    /* [5, 95) tiles as 5 | 6-7 | 8-15 | 16-31 | 32-63 | 64-79 | 80-87 | 88-91 | 92-93 | 94. */
    fx_init(&fx, 100);
    fx_free_range(&fx, 5, 90);
    CHECK_EQX(fx.b.nfree, 90);
    validate(&fx, counts);
    CHECK_EQ(counts[0], 2);     /* 5, 94 */
    CHECK_EQ(counts[1], 2);     /* 6-7, 92-93 */
    CHECK_EQ(counts[2], 1);     /* 88-91 */
    CHECK_EQ(counts[3], 2);     /* 8-15, 80-87 */
    CHECK_EQ(counts[4], 2);     /* 16-31, 64-79 */
    CHECK_EQ(counts[5], 1);     /* 32-63 */
    CHECK_EQ(counts[6], 0);
    for (uint32_t i = 0; i < 90; i++) {
        uint32_t f = fx_alloc(&fx, 0);
        CHECK(f >= 5 && f < 95);
    }
    CHECK_EQX(buddy_alloc(&fx.b, 0), BUDDY_NONE);
    validate(&fx, NULL);
    fx_fini(&fx);

    /* The block containing frames below `first` must never merge in. */
    fx_init(&fx, 64);
    fx_free_range(&fx, 1, 63);
    CHECK_EQX(fx_alloc(&fx, 6), BUDDY_NONE);
    CHECK_EQX(fx_alloc(&fx, 5), 32);
    CHECK_EQX(fx_alloc(&fx, 4), 16);
    CHECK_EQX(fx_alloc(&fx, 3), 8);
    CHECK_EQX(fx_alloc(&fx, 2), 4);
    CHECK_EQX(fx_alloc(&fx, 1), 2);
    CHECK_EQX(fx_alloc(&fx, 0), 1);
    CHECK_EQX(fx_alloc(&fx, 0), BUDDY_NONE);
    fx_free(&fx, 1, 0);
    fx_free(&fx, 2, 1);
    validate(&fx, counts);
    CHECK_EQ(counts[0], 1);     /* frame 0 is not ours, so 1 stays alone */
    CHECK_EQ(counts[1], 1);
    fx_fini(&fx);

    /* A range given in pieces coalesces across the seams. */
    fx_init(&fx, 16);
    fx_free_range(&fx, 0, 3);
    fx_free_range(&fx, 3, 5);
    fx_free_range(&fx, 8, 8);
    validate(&fx, counts);
    CHECK_EQ(counts[4], 1);
    CHECK_EQX(fx_alloc(&fx, 4), 0);
    fx_fini(&fx);

    /* Two disjoint ranges with a hole; allocations never land in the hole. */
    fx_init(&fx, 2000);
    fx_free_range(&fx, 3, 700);
    fx_free_range(&fx, 1100, 900);
    CHECK_EQX(fx.b.nfree, 1600);
    validate(&fx, NULL);
    for (unsigned k = BUDDY_ORDERS; k-- > 0;) {
        uint32_t f;
        while ((f = fx_alloc(&fx, k)) != BUDDY_NONE)
            CHECK((f >= 3 && f + (1u << k) <= 703) || (f >= 1100 && f + (1u << k) <= 2000));
    }
    CHECK_EQX(fx.b.nfree, 0);
    validate(&fx, NULL);
    fx_fini(&fx);
}

/* Random alloc/free against the model; nfree is exact and lists valid at every step. */
static void test_stress(uint32_t n, uint64_t seed, unsigned ops, void (*setup)(struct fixture *))
{
    struct fixture fx;
    struct blk { uint32_t f; unsigned k; } *live = malloc(sizeof(*live) * (n ? n : 1));
    uint32_t nlive = 0, fails = 0, allocs = 0;
    rng = seed;
    fx_init(&fx, n);
    setup(&fx);
    for (unsigned step = 0; step < ops; step++) {
        /* Alternate alloc-heavy and free-heavy phases to reach exhaustion and full coalescing. */
        unsigned p_alloc = (step / 700) % 2 ? 30 : 75;
        if (nlive == 0 || rnd_below(100) < p_alloc) {
            unsigned k = rnd_below(100) < 55 ? 0 : rnd_below(BUDDY_ORDERS);
            uint32_t f = fx_alloc(&fx, k);
            if (f == BUDDY_NONE) {
                fails++;
            } else {
                allocs++;
                live[nlive++] = (struct blk){ f, k };
            }
        } else {
            uint32_t i = rnd_below(nlive);
            fx_free(&fx, live[i].f, live[i].k);
            live[i] = live[--nlive];
        }
        CHECK_EQX(fx.b.nfree, model_nfree(&fx.m));
        if (n <= 256 || step % 16 == 0)
            validate(&fx, NULL);
    }
    CHECK(allocs > ops / 10);
    CHECK(fails > 0 || n >= 4096);
    while (nlive) {
        nlive--;
        fx_free(&fx, live[nlive].f, live[nlive].k);
    }
    validate(&fx, NULL);
    CHECK_EQX(fx.b.nfree, model_nfree(&fx.m));
    free(live);
    fx_fini(&fx);
}

static void setup_whole(struct fixture *fx) { fx_free_range(fx, 0, fx->m.n); }
static void setup_holes(struct fixture *fx)
{
    uint32_t n = fx->m.n;
    fx_free_range(fx, 3, n / 3 - 3);
    fx_free_range(fx, n / 2 + 1, n / 2 - 6);
}

int main(void)
{
    static const uint32_t sizes[] = { 1, 2, 3, 7, 8, 31, 1000, 1023, 1024, 1025, 3000, 4096 + 517 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        test_fill_and_drain(sizes[i]);
    test_even_odd();
    test_offset_ranges();
    test_stress(1, 1, 500, setup_whole);
    test_stress(7, 2, 3000, setup_whole);
    test_stress(100, 3, 5000, setup_whole);
    test_stress(1025, 4, 8000, setup_whole);
    test_stress(3000, 5, 20000, setup_whole);
    test_stress(2500, 6, 10000, setup_holes);
    CHECK_DONE("buddy");
}

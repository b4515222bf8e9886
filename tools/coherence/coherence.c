/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A QEMU TCG plugin that counts cache-coherence traffic between harts
 * (docs/coherence.md has the model; README "make coherence" the use).
 *
 * Guest physical memory is cut into 64-byte lines. Each line keeps its last
 * writer and the set of harts that touched it since that write. While a
 * hart is inside its op-count window (between the driver's start and stop
 * markers, bench/bench.c mode=ops) its accesses are counted: accesses,
 * stores, transfers (an access to a line another hart wrote last, which
 * this hart has not touched since), invalidations (a store to a line other
 * harts hold), and MMIO separately. Each hart also cuts its own accesses to
 * a line into episodes, from which the exit report computes the bound: the
 * transfers per op if all harts ran at one rate, finely interleaved.
 *
 * Arguments: out=FILE (required), top=N lines in the report (default 20),
 * gap=G accesses to other lines that end an episode (default 32).
 *
 * vCPUs run in parallel host threads (multi-threaded TCG): line state is
 * guarded by a striped lock array; everything per hart is touched only by
 * that hart's own thread until the exit callback, when all have stopped.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_HARTS 512
#define LINE_SHIFT 6
#define SHARER_WORDS (MAX_HARTS / 64)
/* 1 MiB of guest memory per chunk; the directory covers 2^40 bytes. */
#define CHUNK_SHIFT 14
#define CHUNK_LINES (1u << CHUNK_SHIFT)
#define DIR_SIZE (1u << (40 - LINE_SHIFT - CHUNK_SHIFT))
#define STRIPES 4096

/*
 * The driver's markers: `slti x0, x0, IMM`, a HINT (rd = x0) that the ISA
 * executes as a no-op and compilers never emit. Encoding: imm << 20 | 0x2013.
 */
#define MARK(imm) ((uint32_t)(imm) << 20 | 0x2013u)
enum mark { MARK_START = 0x7c1, MARK_OP = 0x7c2, MARK_STOP = 0x7c3 };

struct line {
	uint64_t sharers[SHARER_WORDS]; /* harts that touched it since the last write */
	int32_t writer;                 /* -1: not written since tracking began */
	/* In-window counts, for the per-line table. */
	uint32_t accesses, stores, transfers, invalidations;
	/* Filled by the exit report only. */
	double wsum, bound;
	uint32_t touchers, writers;
};

/* One hart's episodes on one line (see touch_episode). */
struct episode {
	uint64_t line;      /* line number + 1; 0 marks a free slot */
	uint64_t last_seq;  /* this hart's access count at its last access to the line */
	uint64_t episodes, write_episodes;
	bool written;       /* the current episode has stored */
};

struct hart {
	bool in_window;
	uint64_t ops, accesses, stores, transfers, invalidations, mmio;
	uint64_t seq;
	struct episode *tab;
	size_t cap, used;
	double bound;
} __attribute__((aligned(64)));

struct stripe {
	char locked;
} __attribute__((aligned(64)));

static struct line *dir[DIR_SIZE];
static struct stripe stripes[STRIPES];
static struct hart *harts;
static unsigned nharts;
/* Harts inside their window: line state is kept only while this is nonzero. */
static int open_windows;
static const char *out_path;
static unsigned top_lines = 20;
static uint64_t gap = 32;

static void stripe_lock(uint64_t ln)
{
	struct stripe *s = &stripes[ln % STRIPES];

	while (__atomic_test_and_set(&s->locked, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&s->locked, __ATOMIC_RELAXED))
			;
}

static void stripe_unlock(uint64_t ln)
{
	__atomic_clear(&stripes[ln % STRIPES].locked, __ATOMIC_RELEASE);
}

static struct line *line_get(uint64_t ln)
{
	uint64_t d = ln >> CHUNK_SHIFT;

	if (d >= DIR_SIZE)
		return NULL;
	struct line *chunk = __atomic_load_n(&dir[d], __ATOMIC_ACQUIRE);

	if (!chunk) {
		struct line *fresh = calloc(CHUNK_LINES, sizeof(*fresh)), *expected = NULL;

		if (!fresh)
			abort();
		for (unsigned i = 0; i < CHUNK_LINES; i++)
			fresh[i].writer = -1;
		/* Two harts may race to install a chunk; the loser frees its copy. */
		if (__atomic_compare_exchange_n(&dir[d], &expected, fresh, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			chunk = fresh;
		} else {
			free(fresh);
			chunk = expected;
		}
	}
	return &chunk[ln & (CHUNK_LINES - 1)];
}

static struct episode *episode_find(struct hart *h, uint64_t ln)
{
	if (h->used * 10 >= h->cap * 7) {
		size_t cap = h->cap ? h->cap * 2 : 1u << 14;
		struct episode *tab = calloc(cap, sizeof(*tab));

		if (!tab)
			abort();
		for (size_t i = 0; i < h->cap; i++) {
			if (!h->tab[i].line)
				continue;
			size_t j = h->tab[i].line * 0x9e3779b97f4a7c15ull >> 20 & (cap - 1);

			while (tab[j].line)
				j = (j + 1) & (cap - 1);
			tab[j] = h->tab[i];
		}
		free(h->tab);
		h->tab = tab;
		h->cap = cap;
	}
	size_t j = (ln + 1) * 0x9e3779b97f4a7c15ull >> 20 & (h->cap - 1);

	while (h->tab[j].line && h->tab[j].line != ln + 1)
		j = (j + 1) & (h->cap - 1);
	if (!h->tab[j].line) {
		h->tab[j].line = ln + 1;
		h->used++;
	}
	return &h->tab[j];
}

/*
 * An episode is a run of this hart's accesses to one line with fewer than
 * `gap` accesses to other lines between consecutive ones: a spin on a lock
 * word, or a read-modify-write of a struct, is one episode however long
 * it spins, while a lock's acquire and its release across a critical
 * section are two. Each episode can take at most one transfer and, if it
 * stores, cause at most one elsewhere; counting them per hart depends only
 * on that hart's own access stream, not on how the host interleaves harts.
 */
static void touch_episode(struct hart *h, uint64_t ln, bool store)
{
	struct episode *e = episode_find(h, ln);

	h->seq++;
	if (!e->episodes || h->seq - e->last_seq > gap) {
		e->episodes++;
		e->written = false;
	}
	if (store && !e->written) {
		e->write_episodes++;
		e->written = true;
	}
	e->last_seq = h->seq;
}

static bool sharers_other(const struct line *l, unsigned h)
{
	for (unsigned w = 0; w < SHARER_WORDS; w++) {
		uint64_t bits = l->sharers[w];

		if (w == h / 64)
			bits &= ~(1ull << (h % 64));
		if (bits)
			return true;
	}
	return false;
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	(void)udata;
	if (!__atomic_load_n(&open_windows, __ATOMIC_RELAXED) || vcpu >= nharts)
		return;
	struct hart *h = &harts[vcpu];
	struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
	bool store = qemu_plugin_mem_is_store(info), counted = h->in_window;

	if (!hw)
		return;
	if (qemu_plugin_hwaddr_is_io(hw)) {
		h->mmio += counted;
		return;
	}
	uint64_t ln = qemu_plugin_hwaddr_phys_addr(hw) >> LINE_SHIFT;
	struct line *l = line_get(ln);

	if (!l)
		return;
	uint64_t bit = 1ull << (vcpu % 64);
	bool transfer, invalidation = false;

	stripe_lock(ln);
	transfer = l->writer >= 0 && (unsigned)l->writer != vcpu && !(l->sharers[vcpu / 64] & bit);
	if (store) {
		invalidation = sharers_other(l, vcpu);
		memset(l->sharers, 0, sizeof(l->sharers));
		l->writer = (int32_t)vcpu;
	}
	l->sharers[vcpu / 64] |= bit;
	if (counted) {
		l->accesses++;
		l->stores += store;
		l->transfers += transfer;
		l->invalidations += invalidation;
	}
	stripe_unlock(ln);
	if (!counted)
		return;
	h->accesses++;
	h->stores += store;
	h->transfers += transfer;
	h->invalidations += invalidation;
	touch_episode(h, ln, store);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	if (vcpu >= nharts)
		return;
	struct hart *h = &harts[vcpu];

	switch ((enum mark)(uintptr_t)udata) {
	case MARK_START:
		if (!h->in_window) {
			h->in_window = true;
			__atomic_add_fetch(&open_windows, 1, __ATOMIC_RELAXED);
		}
		break;
	case MARK_OP:
		h->ops += h->in_window;
		break;
	case MARK_STOP:
		if (h->in_window) {
			h->in_window = false;
			__atomic_sub_fetch(&open_windows, 1, __ATOMIC_RELAXED);
		}
		break;
	}
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	for (size_t i = 0, n = qemu_plugin_tb_n_insns(tb); i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint32_t word;

		qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW, NULL);
		if (qemu_plugin_insn_size(insn) != 4)
			continue;
		memcpy(&word, qemu_plugin_insn_data(insn), 4);
		for (uintptr_t m = MARK_START; m <= MARK_STOP; m++)
			if (word == MARK(m))
				qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS,
								       (void *)m);
	}
}

/* A line of the report, with its address. */
struct ranked {
	struct line *l;
	uint64_t addr;
};

static int by_bound(const void *a, const void *b)
{
	const struct line *x = ((const struct ranked *)a)->l, *y = ((const struct ranked *)b)->l;

	if (x->bound != y->bound)
		return x->bound < y->bound ? 1 : -1;
	return (x->transfers < y->transfers) - (x->transfers > y->transfers);
}

/*
 * The bound: hart h's episodes on line l, per op of h, can each take one
 * transfer, but only as often as other harts' write episodes (per op of
 * theirs, at equal rates) leave the line dirty elsewhere:
 * min(t_hl, sum over g != h of w_gl). Summed over lines and averaged over
 * the harts that ran ops, it is transfers per op under fine interleaving.
 */
static void compute_bound(double *total, unsigned *active)
{
	*total = 0;
	*active = 0;
	for (unsigned i = 0; i < nharts; i++) {
		struct hart *h = &harts[i];

		if (!h->ops)
			continue;
		for (size_t j = 0; j < h->cap; j++) {
			struct episode *e = &h->tab[j];

			if (e->line) {
				struct line *l = line_get(e->line - 1);

				l->wsum += (double)e->write_episodes / h->ops;
				l->touchers++;
				l->writers += e->write_episodes > 0;
			}
		}
		++*active;
	}
	for (unsigned i = 0; i < nharts; i++) {
		struct hart *h = &harts[i];

		if (!h->ops)
			continue;
		for (size_t j = 0; j < h->cap; j++) {
			struct episode *e = &h->tab[j];

			if (!e->line)
				continue;
			struct line *l = line_get(e->line - 1);
			double t = (double)e->episodes / h->ops;
			double others = l->wsum - (double)e->write_episodes / h->ops;
			double b = t < others ? t : others;

			if (b > 0) {
				h->bound += b;
				l->bound += b;
			}
		}
		*total += h->bound;
	}
	if (*active)
		*total /= *active;
}

static void report(FILE *f)
{
	double bound;
	unsigned active;
	uint64_t sum[6] = { 0 };
	size_t nlines = 0, cap = 1024;
	struct ranked *lines = malloc(cap * sizeof(*lines));

	if (!lines)
		abort();
	compute_bound(&bound, &active);
	fprintf(f, "coherence harts=%u active=%u line_bytes=%u gap=%" PRIu64 "\n", nharts, active,
		1u << LINE_SHIFT, gap);
	for (unsigned i = 0; i < nharts; i++) {
		struct hart *h = &harts[i];

		fprintf(f,
			"hart %u ops=%" PRIu64 " accesses=%" PRIu64 " stores=%" PRIu64
			" transfers=%" PRIu64 " invalidations=%" PRIu64 " mmio=%" PRIu64
			" bound_per_op=%.4f\n",
			i, h->ops, h->accesses, h->stores, h->transfers, h->invalidations, h->mmio,
			h->ops ? h->bound : 0.0);
		sum[0] += h->ops;
		sum[1] += h->accesses;
		sum[2] += h->stores;
		sum[3] += h->transfers;
		sum[4] += h->invalidations;
		sum[5] += h->mmio;
	}
	fprintf(f,
		"total ops=%" PRIu64 " accesses=%" PRIu64 " stores=%" PRIu64 " transfers=%" PRIu64
		" invalidations=%" PRIu64 " mmio=%" PRIu64 " bound_per_op=%.4f observed_per_op=%.4f\n",
		sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], bound,
		sum[0] ? (double)sum[3] / sum[0] : 0.0);
	for (uint64_t d = 0; d < DIR_SIZE; d++) {
		if (!dir[d])
			continue;
		for (unsigned i = 0; i < CHUNK_LINES; i++) {
			struct line *l = &dir[d][i];

			if (l->bound <= 0 && !l->transfers)
				continue;
			if (nlines == cap) {
				struct ranked *more = realloc(lines, 2 * cap * sizeof(*lines));

				if (!more)
					abort();
				lines = more;
				cap *= 2;
			}
			lines[nlines++] = (struct ranked){ l, ((d << CHUNK_SHIFT) + i) << LINE_SHIFT };
		}
	}
	qsort(lines, nlines, sizeof(*lines), by_bound);
	/* The per-line bound is divided like the total, so the lines sum to it. */
	fprintf(f, "lines addr bound_per_op share transfers accesses stores invalidations touchers writers\n");
	for (size_t i = 0; i < nlines && i < top_lines; i++) {
		struct line *l = lines[i].l;
		double b = active ? l->bound / active : 0;

		fprintf(f, "line 0x%" PRIx64 " %.4f %.3f %u %u %u %u %u %u\n", lines[i].addr, b,
			bound > 0 ? b / bound : 0.0, l->transfers, l->accesses, l->stores,
			l->invalidations, l->touchers, l->writers);
	}
	free(lines);
}

static void on_exit_report(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	FILE *f = fopen(out_path, "w");

	if (!f) {
		perror(out_path);
		return;
	}
	report(f);
	fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
					   char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else if (!strncmp(argv[i], "top=", 4))
			top_lines = (unsigned)strtoul(argv[i] + 4, NULL, 0);
		else if (!strncmp(argv[i], "gap=", 4))
			gap = strtoull(argv[i] + 4, NULL, 0);
		else {
			fprintf(stderr, "coherence: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	if (!out_path || !info->system_emulation || info->system.max_vcpus > MAX_HARTS) {
		fprintf(stderr, "coherence: needs out=FILE, system emulation, at most %d harts\n",
			MAX_HARTS);
		return 1;
	}
	nharts = (unsigned)info->system.max_vcpus;
	harts = calloc(nharts, sizeof(*harts));
	if (!harts)
		return 1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_report, NULL);
	return 0;
}

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
 * Attribution (perf c2c style): each line keeps the code sites (guest pc of
 * the load or store) that took a transfer on it or invalidated other
 * harts' copies, and its accesses and transfers made in tick context: from
 * a tick entry (the kernel's interrupt entry, its idle loop) to the hart's
 * next sret. Each page keeps a tag for the slab allocator: the address of
 * the last load slab code made before it stored the page's first word, its
 * slab header's cache pointer, so the tag lies in the slab_cache.
 *
 * Arguments: out=FILE (required), top=N lines in the report (default 20),
 * gap=G accesses to other lines that end an episode (default 32),
 * tick=LO-HI (up to 8) code that starts tick context, slab=LO-HI (up to 8)
 * slab code's pcs.
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
/* Page tags: 256 MiB of guest memory per chunk. */
#define PAGE_SHIFT 12
#define PCHUNK_SHIFT 16
#define PDIR_SIZE (1u << (40 - PAGE_SHIFT - PCHUNK_SHIFT))
#define MAX_RANGES 8
/* Instruction udata: its pc, with bit 0 (pcs are 2-byte aligned) for slab code. */
#define UD_SLAB 1u
/* A RISC-V sret: the hart leaves the kernel's trap context. */
#define INSN_SRET 0x10200073u

/*
 * The driver's markers: `slti x0, x0, IMM`, a HINT (rd = x0) that the ISA
 * executes as a no-op and compilers never emit. Encoding: imm << 20 | 0x2013.
 */
#define MARK(imm) ((uint32_t)(imm) << 20 | 0x2013u)
enum mark { MARK_START = 0x7c1, MARK_OP = 0x7c2, MARK_STOP = 0x7c3 };
/* Tick context starts and ends, passed to on_mark like the markers. */
enum { CTX_TICK = 1, CTX_SRET = 2 };

/* A code site that moved the line: loads that took a transfer, stores that took or caused one. */
struct site {
	uint64_t pc;
	uint32_t reads, writes, tick; /* tick: of reads + writes, those in tick context */
	uint32_t offset;              /* in the line, of the site's first access: the field */
};

struct line {
	uint64_t sharers[SHARER_WORDS]; /* harts that touched it since the last write */
	int32_t writer;                 /* -1: not written since tracking began */
	/* In-window counts, for the per-line table. */
	uint32_t accesses, stores, transfers, invalidations;
	uint32_t tick_accesses, tick_transfers;
	uint32_t nsites, capsites;
	struct site *sites;
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
	bool in_tick;        /* since a tick entry, until the next sret */
	uint64_t slab_load;  /* physical address of slab code's last load, + 1 */
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
static uint64_t *pages[PDIR_SIZE];
static uint64_t tick_lo[MAX_RANGES], tick_hi[MAX_RANGES], slab_lo[MAX_RANGES], slab_hi[MAX_RANGES];
static unsigned nticks, nslab;

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

/* The tag slot of the page holding physical address pa (allocated on first use). */
static uint64_t *page_tag(uint64_t pa)
{
	uint64_t pn = pa >> PAGE_SHIFT, d = pn >> PCHUNK_SHIFT;

	if (d >= PDIR_SIZE)
		return NULL;
	uint64_t *chunk = __atomic_load_n(&pages[d], __ATOMIC_ACQUIRE), *expected = NULL;

	if (!chunk) {
		uint64_t *fresh = calloc(1u << PCHUNK_SHIFT, sizeof(*fresh));

		if (!fresh)
			abort();
		if (__atomic_compare_exchange_n(&pages[d], &expected, fresh, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			chunk = fresh;
		} else {
			free(fresh);
			chunk = expected;
		}
	}
	return &chunk[pn & ((1u << PCHUNK_SHIFT) - 1)];
}

/*
 * Slab code's accesses, watched in and out of windows since slabs are
 * made at boot: the store to a page's first word is new_slab's
 * `s->cache = c`, and the load before it read the cache (c->perslab).
 */
static void watch_slab(struct hart *h, uint64_t pa, bool store)
{
	if (!store) {
		h->slab_load = pa + 1;
		return;
	}
	if (pa & ((1u << PAGE_SHIFT) - 1) || !h->slab_load)
		return;
	uint64_t *tag = page_tag(pa);

	if (tag)
		__atomic_store_n(tag, h->slab_load, __ATOMIC_RELAXED);
}

/* Under the line's stripe lock. */
static void site_count(struct line *l, uint64_t pc, uint64_t pa, bool store, bool tick)
{
	struct site *s = l->sites;
	uint32_t i = 0;

	while (i < l->nsites && s[i].pc != pc)
		i++;
	if (i == l->nsites) {
		if (l->nsites == l->capsites) {
			uint32_t cap = l->capsites ? 2 * l->capsites : 4;

			s = realloc(l->sites, cap * sizeof(*s));
			if (!s)
				abort();
			l->sites = s;
			l->capsites = cap;
		}
		s[l->nsites++] = (struct site){ .pc = pc, .offset = pa & ((1u << LINE_SHIFT) - 1) };
	}
	s[i].reads += !store;
	s[i].writes += store;
	s[i].tick += tick;
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
	uintptr_t ud = (uintptr_t)udata;
	bool slab = ud & UD_SLAB;

	if (vcpu >= nharts || (!slab && !__atomic_load_n(&open_windows, __ATOMIC_RELAXED)))
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
	uint64_t pa = qemu_plugin_hwaddr_phys_addr(hw), ln = pa >> LINE_SHIFT;

	if (slab) {
		watch_slab(h, pa, store);
		if (!__atomic_load_n(&open_windows, __ATOMIC_RELAXED))
			return;
	} else if (store && !(pa & ((1u << PAGE_SHIFT) - 1))) {
		/* Other code reused the page: it holds no slab now. */
		uint64_t *tag = page_tag(pa);

		if (tag && __atomic_load_n(tag, __ATOMIC_RELAXED))
			__atomic_store_n(tag, 0, __ATOMIC_RELAXED);
	}
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
		l->tick_accesses += h->in_tick;
		l->tick_transfers += transfer && h->in_tick;
		/* Only the rare access that moves a line pays for its site. */
		if (transfer || invalidation)
			site_count(l, ud & ~(uintptr_t)UD_SLAB, pa, store, h->in_tick);
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

	switch ((uintptr_t)udata) {
	case CTX_TICK:
		h->in_tick = true;
		break;
	case CTX_SRET:
		h->in_tick = false;
		break;
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

static bool in_ranges(uint64_t pc, const uint64_t *lo, const uint64_t *hi, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (pc >= lo[i] && pc < hi[i])
			return true;
	return false;
}

/* LO-HI into the next of up to MAX_RANGES ranges; false when they are full. */
static bool parse_range(const char *arg, uint64_t *lo, uint64_t *hi, unsigned *n)
{
	char *end;

	if (*n == MAX_RANGES)
		return false;
	lo[*n] = strtoull(arg, &end, 0);
	hi[*n] = *end == '-' ? strtoull(end + 1, NULL, 0) : 0;
	++*n;
	return true;
}

static void mark_insn(struct qemu_plugin_insn *insn, uintptr_t what)
{
	qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, (void *)what);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	for (size_t i = 0, n = qemu_plugin_tb_n_insns(tb); i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn);
		uint32_t word;

		qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW,
						 (void *)(uintptr_t)(pc | (in_ranges(pc, slab_lo, slab_hi, nslab) ? UD_SLAB : 0)));
		/* Every instruction, not the entry only: the idle loop goes round after an sret. */
		if (in_ranges(pc, tick_lo, tick_hi, nticks))
			mark_insn(insn, CTX_TICK);
		if (qemu_plugin_insn_size(insn) != 4)
			continue;
		memcpy(&word, qemu_plugin_insn_data(insn), 4);
		if (word == INSN_SRET)
			mark_insn(insn, CTX_SRET);
		for (uintptr_t m = MARK_START; m <= MARK_STOP; m++)
			if (word == MARK(m))
				mark_insn(insn, m);
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

static int by_moves(const void *a, const void *b)
{
	const struct site *x = a, *y = b;
	uint64_t mx = (uint64_t)x->reads + x->writes, my = (uint64_t)y->reads + y->writes;

	if (mx != my)
		return mx < my ? 1 : -1;
	return (x->pc > y->pc) - (x->pc < y->pc);
}

/*
 * Tick-driven: most of its transfers (or, if it took none, most of its
 * accesses) came in tick context. Everything else is on the op path.
 */
static bool line_tick(const struct line *l)
{
	if (l->transfers)
		return 2ull * l->tick_transfers > l->transfers;
	return 2ull * l->tick_accesses > l->accesses;
}

/* A line's sites, most moves first; SITES_SHOWN of them in the report. */
#define SITES_SHOWN 8

static void report_line(FILE *f, const struct ranked *r, double bound, unsigned active)
{
	struct line *l = r->l;
	double b = active ? l->bound / active : 0;
	uint64_t *tag = page_tag(r->addr);
	uint64_t slab = tag && *tag ? *tag - 1 : 0;

	fprintf(f, "line 0x%" PRIx64 " %.4f %.3f %u %u %u %u %u %u %u %u %s 0x%" PRIx64 "\n",
		r->addr, b, bound > 0 ? b / bound : 0.0, l->transfers, l->accesses, l->stores,
		l->invalidations, l->touchers, l->writers, l->tick_accesses, l->tick_transfers,
		line_tick(l) ? "tick" : "op", slab);
	qsort(l->sites, l->nsites, sizeof(*l->sites), by_moves);
	for (uint32_t i = 0; i < l->nsites && i < SITES_SHOWN; i++)
		fprintf(f, "site 0x%" PRIx64 " %u %u %u %u\n", l->sites[i].pc, l->sites[i].reads,
			l->sites[i].writes, l->sites[i].tick, l->sites[i].offset);
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
	double split[2] = { 0, 0 };
	size_t count[2] = { 0, 0 };

	for (size_t i = 0; i < nlines; i++) {
		bool tick = line_tick(lines[i].l);

		split[tick] += active ? lines[i].l->bound / active : 0;
		count[tick]++;
	}
	fprintf(f, "split op_bound_per_op=%.4f tick_bound_per_op=%.4f op_lines=%zu tick_lines=%zu\n",
		split[0], split[1], count[0], count[1]);
	/* The per-line bound is divided like the total, so the lines sum to it. */
	fprintf(f, "lines addr bound_per_op share transfers accesses stores invalidations touchers writers "
		   "tick_accesses tick_transfers path slab_tag\n");
	fprintf(f, "sites pc reads writes tick offset\n");
	for (size_t i = 0; i < nlines && i < top_lines; i++)
		report_line(f, &lines[i], bound, active);
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
		else if (!strncmp(argv[i], "tick=", 5) &&
			 parse_range(argv[i] + 5, tick_lo, tick_hi, &nticks))
			;
		else if (!strncmp(argv[i], "slab=", 5) && parse_range(argv[i] + 5, slab_lo, slab_hi, &nslab))
			;
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

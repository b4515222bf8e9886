/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Programs: op i of client c is a pure function of (seed, c, i), so a
 * failure names the ops that led to it and tools/minimize.py can ask for
 * them again; and the text form of an op, which is how a program comes
 * back in reduced.
 */
#include "stress.h"

struct rng {
	unsigned long s;
};

static unsigned long next(struct rng *r)
{
	r->s = mix(r->s, 0x2545f4914f6cdd1dul);
	return r->s;
}

static unsigned long below(struct rng *r, unsigned long n)
{
	return next(r) % n;
}

/*
 * Skewed to the edges: parameters are mostly small or near a power of two
 * that matters (31, 32, 63); classes are half edge values, half resources.
 */
static unsigned long gen_token(struct rng *r)
{
	static const unsigned char params[] = { 0, 1, 2, 3, 4, 7, 8, 12, 16, 20, 31, 32, 39, 47, 62, 63 };
	unsigned long cls = below(r, 2) ? below(r, V_SELF) : V_SELF + below(r, V_COUNT - V_SELF);
	unsigned long p = below(r, 2) ? params[below(r, sizeof(params))] : below(r, 64);

	return cls | p << 4;
}

static unsigned long gen_tokens(struct rng *r)
{
	unsigned long t = 0;

	for (int i = 0; i < 6; i++)
		t |= gen_token(r) << (10 * i);
	return t;
}

static long gen_nr(struct rng *r, unsigned where, const struct gen_opts *o)
{
	for (;;) {
		const struct sysdesc *d = &sys_table[below(r, sys_table_len)];

		if ((d->where & where) && (!o->stable || (d->where & STABLE)))
			return d->nr;
	}
}

/* A signal a service acts on (stress.h): exec, a fork step, or a hop from its handler. */
static unsigned long gen_signal_act(struct rng *r)
{
	switch (below(r, 3)) {
	case 0:
		return SIG_MAGIC | SIG_EXEC;
	case 1:
		return SIG_MAGIC | SIG_FORK | below(r, 32) << 48 | (below(r, 2) ? FORK_THREAD : 0) |
		       (below(r, 2) ? FORK_FRAME64 : 0);
	}
	return SIG_MAGIC | SIG_HOP | HOP_BITS(below(r, 4), below(r, 8));
}

/* Mostly short chains that start with a req; the first hop targets a real slot. */
static unsigned long gen_hops(struct rng *r)
{
	static const unsigned char lens[] = { 1, 1, 1, 2, 2, 3, 4 };
	unsigned long n = lens[below(r, sizeof(lens))], h = n;

	for (unsigned long i = 0; i < n; i++) {
		unsigned long kind = i == 0 && below(r, 16) ? H_REQ : below(r, 4);
		unsigned long slot = i == 0 ? below(r, NSVC) : below(r, 8);

		h |= (kind | slot << 2) << (3 + 5 * i);
	}
	return h;
}

static int gen_term(struct rng *r, const struct gen_opts *o)
{
	static const unsigned char terms[] = {
		T_RESP, T_RESP, T_RESP, T_FUZZ, T_FUZZ, T_FUZZ, T_FUZZ, T_FUZZ,
		T_SIGNAL, T_YIELD, T_FAULT, T_EXIT, T_TIMER,
	};
	unsigned long i = below(r, sizeof(terms));

	/* A timer's handler runs whenever the tick comes: not for stable programs. */
	if (terms[i] == T_TIMER && o->stable)
		return T_RESP;
	/* Deaths are rarer than the rest: a third of their picks answer instead. */
	if ((terms[i] == T_FAULT || terms[i] == T_EXIT) && below(r, 3))
		return T_RESP;
	return terms[i];
}

void op_generate(struct op *op, unsigned long seed, long client, long index,
		 const struct gen_opts *o)
{
	struct rng r = { mix(seed, (unsigned long)client << 40 ^ (unsigned long)index) };
	unsigned long pick = below(&r, 100);

	*op = (struct op){ 0 };
	if (pick < 62) {
		op->kind = OP_CHAIN;
		op->a[0] = gen_hops(&r);
		op->a[1] = (unsigned long)gen_term(&r, o);
		op->a[2] = (unsigned long)gen_nr(&r, IN_SVC, o);
		op->a[3] = gen_tokens(&r);
		op->a[4] = next(&r) & 0xffff;
	} else if (pick < 65) {
		op->kind = OP_KILL;
		op->a[0] = below(&r, NSVC);
	} else if (pick < 72) {
		op->kind = OP_SIGNAL;
		op->a[0] = below(&r, NSVC);
		op->a[1] = below(&r, 4) ? 1ul << below(&r, 64) : 0;
		if (!o->stable && below(&r, 3) == 0)
			op->a[1] = gen_signal_act(&r);
	} else if (pick < 82) {
		op->kind = OP_SHM;
		op->a[0] = below(&r, NSVC);
		op->a[1] = gen_token(&r);
		/* Half the regions raced: published, or hit; their timing is never stable. */
		if (!o->stable && below(&r, 2))
			op->a[2] = below(&r, 3) ? below(&r, 4) & (SHM_PUBLISH | SHM_FREE_FIRST) : SHM_HIT;
	} else if (pick < 90 && !o->stable) {
		op->kind = OP_RACE;
		/* Makers and hitters alike, so that a hitter mostly finds a maker at work. */
		op->a[0] = below(&r, 2) ? below(&r, 2) : 2 + below(&r, RK_COUNT - 2);
		op->a[1] = below(&r, 2) ? 0 : R_ALL;
	} else {
		op->kind = OP_SYS;
		op->a[2] = (unsigned long)gen_nr(&r, IN_DRIVER, o);
		op->a[3] = gen_tokens(&r);
	}
}

int op_format(const struct op *op, char *buf, int size)
{
	return snprintf(buf, (size_t)size, "%d %lx %lx %lx %lx %lx", op->kind, op->a[0], op->a[1],
			op->a[2], op->a[3], op->a[4]);
}

static bool parse_hex(const char **p, unsigned long *v)
{
	const char *s = *p;
	unsigned long x = 0;
	int n = 0;

	while (*s == ' ' || *s == '\n' || *s == ';')
		s++;
	for (;; s++, n++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;

		if (d < 0)
			break;
		x = x << 4 | (unsigned long)d;
	}
	*p = s;
	*v = x;
	return n > 0 && n <= 16;
}

bool op_parse(const char **p, struct op *op)
{
	unsigned long kind;

	if (!parse_hex(p, &kind) || kind >= OP_COUNT)
		return false;
	op->kind = (int)kind;
	for (int i = 0; i < OP_ARGS; i++)
		if (!parse_hex(p, &op->a[i]))
			return false;
	return true;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Races on predicted ids (docs/stress.md): a maker spawns or creates,
 * publishing before each try the ids it guesses the next one will get;
 * hitters aim calls, kills, signals or aborts at those ids meanwhile, so
 * that they land on an object the kernel is still building.
 */
#include "stress.h"

/*
 * The guess follows src/sync/idtable.c: fresh slots go out in order at
 * generation 1, so early on the next id is the last + 1; once every slot
 * was used, freed slots come back oldest first, one generation on, which
 * mostly repeats the order they went out the time before: the id that
 * followed the last one's slot then, one generation on. Ids made by other
 * processes shift it, which is why there are two guesses.
 */
static long slot_of(long id)
{
	return ((id & (RACE_SLOTS - 1)) + RACE_SLOTS - 1) % RACE_SLOTS;
}

void race_note(struct race *r, long id)
{
	long last = r->last;

	if (id <= 0)
		return;
	if (last > 0)
		r->after[slot_of(last)] = id;
	r->last = id;
}

static void publish_guess(struct race *r)
{
	long last = r->last, next = last > 0 ? r->after[slot_of(last)] : 0;

	/* After the last slot comes no slot: an id with slot bits 0 names nothing. */
	r->cand[0] = last > 0 && slot_of(last) < RACE_SLOTS - 2 ? last + 1 : 0;
	r->cand[1] = next > 0 ? next + RACE_SLOTS : 0;
}

long race_make(struct race *r, long (*make)(unsigned long), unsigned long arg)
{
	long bad = 0;

	__atomic_fetch_add(&r->makers, 1, __ATOMIC_ACQ_REL);
	for (int i = 0; i < RACE_ROUNDS && !bad; i++) {
		long id;

		publish_guess(r);
		id = make(arg);
		if (id == RACE_BAD)
			bad = RACE_BAD;
		race_note(r, id);
	}
	__atomic_fetch_sub(&r->makers, 1, __ATOMIC_ACQ_REL);
	return bad;
}

long race_hit(struct race *r, long (*hit)(long, long), long kind, bool (*spare)(long))
{
	long st = 0;

	for (int i = 0, idle = 0; i < 4096 && idle < 8 && st != RACE_BAD; i++) {
		if (!r->makers) {
			idle++;
			sys_yield();
			continue;
		}
		for (int k = 0; k < 2 && st != RACE_BAD; k++) {
			/* Once: a maker may publish its next guess (or 0) at any moment. */
			long id = r->cand[k];

			if (id > 0 && !(spare && spare(id)))
				st = hit(kind, id);
		}
	}
	return st;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves pinning works on every hart: a thread created pinned to hart i
 * runs there (reporting its index and hardware id through its join value),
 * hardware ids are distinct, and one thread that calls thread_pin moves
 * itself through every hart, landing on each one it asks for.
 */
#include <test.h>

#define MAX_HARTS 64

/* Hardware id of each hart index, as the pinned threads saw it. */
static long hart_ids[MAX_HARTS];
static long nharts;

/* Packs what a thread saw into its join value: hartid above, index below. */
#define PACK(hartid, hart) (((hartid) << 16) | (hart))
#define PACK_HART(v) ((v) & 0xffff)
#define PACK_HARTID(v) ((v) >> 16)

static long report_self(long unused)
{
	struct mself me;

	(void)unused;
	sys_self(&me);
	return PACK(me.hartid, me.hart);
}

/* Visits every hart up and back down, checking each landing. */
static long tour_harts(long unused)
{
	struct mself me;

	(void)unused;
	for (long step = 0; step < 2 * nharts; step++) {
		long j = step < nharts ? step : 2 * nharts - 1 - step;

		CHECK_EQ(sys_thread_pin(j), 0);
		sys_self(&me);
		if (me.hart != j || me.hartid != hart_ids[j])
			test_fail("pinned to hart %ld (id %ld), now on hart %ld (id %ld)",
				  j, hart_ids[j], me.hart, me.hartid);
	}
	return 0;
}

static void record_hart_ids(void)
{
	long tids[MAX_HARTS];

	for (long i = 0; i < nharts; i++) {
		tids[i] = thread_spawn(i, report_self, 0);
		CHECK_OK(tids[i]);
	}
	for (long i = 0; i < nharts; i++) {
		long v = -1;

		CHECK_EQ(sys_thread_join(tids[i], &v), 0);
		CHECK_EQ(PACK_HART(v), i);
		hart_ids[i] = PACK_HARTID(v);
	}
}

static void print_hart_ids(void)
{
	char line[PRINTF_MAX - 1];
	int n = snprintf(line, sizeof(line), "pin_harts: hart ids:");

	for (long i = 0; i < nharts && n < (int)sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %ld:%ld", i, hart_ids[i]);
	printf("%s\n", line);
}

static void check_ids_distinct(void)
{
	for (long i = 0; i < nharts; i++) {
		for (long j = 0; j < i; j++) {
			if (hart_ids[i] == hart_ids[j])
				test_fail("harts %ld and %ld share hart id %ld",
					  j, i, hart_ids[i]);
		}
	}
}

int main(void)
{
	long tid;
	long v = -1;

	test_start("pin_harts");
	nharts = test_harts();
	if (nharts < 1 || nharts > MAX_HARTS)
		test_fail("stats reports %ld harts", nharts);
	record_hart_ids();
	print_hart_ids();
	check_ids_distinct();
	tid = thread_spawn(HART_ANY, tour_harts, 0);
	CHECK_OK(tid);
	CHECK_EQ(sys_thread_join(tid, &v), 0);
	CHECK_EQ(v, 0);
	test_pass();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared memory unmapped while other harts use it: once shm_unmap has
 * returned, no hart may still reach the pages. A child,
 * /svc_smp_toucher, is granted two regions: `ctl` (flags and counters,
 * stays mapped in both of us) and `tgt`. It runs a thread pinned to each
 * hart but 0, each touching its own line of tgt in a loop (stores only,
 * or a load and a store) and counting in ctl. Once every toucher has
 * made progress (its count read through our mapping of ctl, its stores
 * seen through our mapping of tgt), tgt is unmapped on hart 0: by the
 * child's own main thread, or by our thread migrated into the child.
 *
 * Live rounds (`rounds`, default 4, going through those four cases):
 * the touchers go on touching while the unmap runs. The child must die
 * of a page fault (EXIT_FAULT | 15 for stores, | 13 or | 15 when they
 * also load), after the unmap began, and no touch may succeed after a
 * toucher read that shm_unmap had returned (ctl's `late` counts: the
 * flag is read before each touch, and ctl stays mapped to count it).
 *
 * Parked rounds, one for each hart k but 0: the touchers first stop
 * touching and spin in user mode on ctl (their translations of tgt are
 * still cached); the unmap returns 0; then the toucher on hart k alone
 * makes one more access, which must fault: exactly EXIT_FAULT | 13 for
 * a load, | 15 for a store. A stale translation on hart k would let it
 * through and count `late`.
 *
 * Parked-in-kernel rounds, the same but with the parked touchers calling
 * sys_yield in a loop, so that at the unmap their harts are mostly in the
 * kernel with the child's space in satp: such a hart gets no IPI and must
 * flush on its way back to user mode (mm/tlb.h's lazy case).
 *
 * Each round our mappings still reach the pages after the child is
 * gone; then they are unmapped and the regions freed, and at the end
 * free pages, processes and threads are back where they started.
 */
#include <test.h>

#include "proto/smp_toucher.h"

#define PROGRESS         2000
#define CAUSE_LOAD_PAGE_FAULT  13
#define CAUSE_STORE_PAGE_FAULT 15

static long harts;
static unsigned long hz;

static long load(long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(long *p, long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static long late_total(struct ctl *ctl)
{
	long late = 0;

	for (long k = 1; k < harts; k++)
		late += load(&ctl->lane[k].late);
	return late;
}

/* One child, one unmap. final 0: a live round; else only hart `final` touches after it. */
static void shootdown_round(long mode, int migrated, long final)
{
	const char *what = mode & TOUCH_LOAD ? "load" : "store";
	char name[96];
	struct ipc_reply r;
	struct ctl *ctl;
	volatile long *tgt;
	unsigned long t0;
	long id_ctl, id_tgt, child, st, status = -1, want;
	long at_unmap[MAX_LANES];

	if (final)
		snprintf(name, sizeof(name), "parked %s round%s, hart %ld touching, unmapped %s", what,
			 mode & TOUCH_KERNEL ? " in the kernel" : "", final,
			 migrated ? "by us" : "by its main");
	else
		snprintf(name, sizeof(name), "live %s round, unmapped %s", what,
			 migrated ? "by us" : "by its main");
	id_ctl = shm_create(8192);
	id_tgt = shm_create(8192);
	CHECK(id_ctl > 0 && id_tgt > 0);
	st = shm_map(id_ctl, NULL);
	CHECK(st > 0);
	ctl = (struct ctl *)st;
	st = shm_map(id_tgt, NULL);
	CHECK(st > 0);
	tgt = (volatile long *)st;
	child = sys_spawn("/svc_smp_toucher", 0);
	CHECK(child > 0);
	CHECK_EQ(shm_grant(id_ctl, child), 0);
	CHECK_EQ(shm_grant(id_tgt, child), 0);
	CHECK_EQ(ipc_req(child, TOUCH_SETUP, id_ctl, id_tgt, mode | harts << 8, &r), 0);
	CHECK_EQ(r.d[0], 0);
	CHECK_EQ(r.d[1], 0);

	/* Every toucher is on its hart and making progress we can see. */
	t0 = sys_clock(NULL);
	for (long k = 1; k < harts; k++) {
		while (load(&ctl->lane[k].count) < PROGRESS || tgt[k * 8] == 0) {
			if (sys_clock(NULL) - t0 > 10 * hz)
				test_fail("%s: toucher %ld made %ld touches in 10 s", name, k,
					  load(&ctl->lane[k].count));
			sys_yield();
		}
		CHECK_EQ(load(&ctl->lane[k].hart), k);
	}
	if (final) {
		store(&ctl->final, final);
		store(&ctl->quiet, 1);
		t0 = sys_clock(NULL);
		for (long k = 1; k < harts; k++) {
			while (!load(&ctl->lane[k].parked)) {
				if (sys_clock(NULL) - t0 > 10 * hz)
					test_fail("%s: toucher %ld did not stop", name, k);
				sys_yield();
			}
		}
	}
	CHECK_EQ(load(&ctl->unmap_started), 0);
	for (long k = 1; k < harts; k++)
		at_unmap[k] = load(&ctl->lane[k].count);

	if (migrated) {
		/* Our thread unmaps, migrated in; the child may die before we are back out. */
		r = (struct ipc_reply){ -1, { -1, -1, -1, -1 } };
		st = ipc_req(child, TOUCH_UNMAP_HERE, 0, 0, 0, &r);
		if (st == 0)
			CHECK_EQ(r.d[0], 0);
		else if (st != E_DIED || r.pid != child)
			test_fail("%s: the unmap call returned %ld (reply.pid %ld)", name, st,
				  r.pid);
	} else {
		CHECK_EQ(ipc_req(child, TOUCH_UNMAP, 0, 0, 0, &r), 0);
	}

	/* The child must fault soon: every hart's translation is gone. */
	t0 = sys_clock(NULL);
	for (;;) {
		st = ipc_req(child, TOUCH_PING, 0, 0, 0, &r);
		if (st == E_NOENT || st == E_DIED)
			break;
		CHECK_EQ(st, 0);
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("%s: the child runs on 5 s after the unmap began (unmap done "
				  "%ld, status %ld; %ld touches after it returned)", name,
				  load(&ctl->unmap_done), load(&ctl->unmap_status), late_total(ctl));
		sys_yield();
	}
	CHECK_EQ(sys_wait(child, &status), 0);
	if (final)
		want = EXIT_FAULT | (mode & TOUCH_LOAD ? CAUSE_LOAD_PAGE_FAULT : CAUSE_STORE_PAGE_FAULT);
	else
		want = EXIT_FAULT | CAUSE_STORE_PAGE_FAULT;
	if (status != want && !(!final && (mode & TOUCH_LOAD) &&
				status == (EXIT_FAULT | CAUSE_LOAD_PAGE_FAULT)))
		test_fail("%s: child status %lx, want %lx%s", name, status, want,
			  !final && (mode & TOUCH_LOAD) ? " or 20d" : "");
	CHECK_EQ(load(&ctl->unmap_started), 1);
	if (final) {
		CHECK_EQ(load(&ctl->unmap_done), 1);
		CHECK_EQ(load(&ctl->unmap_status), 0);
	} else if (load(&ctl->unmap_done)) {
		CHECK_EQ(load(&ctl->unmap_status), 0);
	}
	for (long k = 1; k < harts; k++) {
		struct lane *l = &ctl->lane[k];

		if (load(&l->late))
			test_fail("%s: the toucher on hart %ld reached the region %ld times "
				  "after shm_unmap returned", name, k, load(&l->late));
		if (final)
			CHECK_EQ(load(&l->tried), k == final);
		CHECK(load(&l->count) >= at_unmap[k]);
	}
	if (!final)
		printf("smp_tlb_shootdown: %s: child status %lx, the unmap %s\n", name, status,
		       load(&ctl->unmap_done) ? "returned first" : "had not returned at the fault");

	/* Our mappings still reach the pages; then they and the regions go. */
	tgt[0] = 0x1234;
	CHECK_EQ(tgt[0], 0x1234);
	CHECK_EQ(shm_unmap((void *)tgt), 0);
	CHECK_EQ(shm_unmap((void *)ctl), 0);
	CHECK_EQ(shm_free(id_tgt), 0);
	CHECK_EQ(shm_free(id_ctl), 0);
}

int main(void)
{
	struct mstats before;
	unsigned long t0;
	long rounds;

	test_start("smp_tlb_shootdown");
	harts = test_harts();
	CHECK(harts >= 2 && harts <= MAX_LANES);
	rounds = test_arg("rounds", 4);
	sys_clock(&hz);
	CHECK_EQ(sys_thread_pin(0), 0);
	stats_snapshot(&before);
	t0 = sys_clock(NULL);
	for (long round = 0; round < rounds; round++)
		shootdown_round(round & 1 ? TOUCH_LOAD : 0, round & 2, 0);
	for (long k = 1; k < harts; k++)
		shootdown_round(k & 1 ? TOUCH_LOAD : 0, k & 2, k);
	for (long k = 1; k < harts; k++)
		shootdown_round((k & 1 ? TOUCH_LOAD : 0) | TOUCH_KERNEL, k & 2, k);
	printf("smp_tlb_shootdown: %ld live, %ld parked and %ld parked-in-kernel rounds in %lu ms "
	       "of guest time\n", rounds, harts - 1, harts - 1, (sys_clock(NULL) - t0) * 1000 / hz);
	stats_settle(&before);
	test_pass();
	return 0;
}

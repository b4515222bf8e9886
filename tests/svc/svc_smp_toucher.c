/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The toucher for smp_tlb_shootdown: threads on every hart but 0 touch a
 * shared region until it is unmapped under them, and then must fault. The
 * protocol and the layout of the ctl region it shares with the test are in
 * tests/proto/smp_toucher.h.
 */
#include <migrant.h>

#include "../proto/smp_toucher.h"

static struct ctl *ctl;
static volatile long *tgt;
static long mode, harts, setup_done, unmap_cmd;

static long load(long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(long *p, long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static long unmap_tgt(void)
{
	long st;

	store(&ctl->unmap_started, 1);
	st = shm_unmap((void *)tgt);
	store(&ctl->unmap_status, st);
	store(&ctl->unmap_done, 1);
	return st;
}

/* Parked until the unmap returned; then the final lane touches once more. */
__attribute__((noreturn)) static void park(long k, volatile long *mine)
{
	struct lane *l = &ctl->lane[k];
	long seen;

	store(&l->parked, 1);
	while (!load(&ctl->unmap_done))
		if (mode & TOUCH_KERNEL)
			sys_yield();
	if (load(&ctl->final) == k) {
		store(&l->tried, 1);
		if (mode & TOUCH_LOAD) {
			seen = mine[1];
			store(&l->late, 1 + (seen & 0));
		} else {
			mine[0] = -1;
			store(&l->late, 1);
		}
	}
	for (;;)
		;
}

__attribute__((noreturn)) static long touch(long k)
{
	struct lane *l = &ctl->lane[k];
	volatile long *mine = tgt + k * 8;
	struct mself me;
	long n = 0, seen = 0;

	sys_self(&me);
	store(&l->hart, me.hart);
	for (;;) {
		long done = load(&ctl->unmap_done);

		if (!done && load(&ctl->quiet))
			park(k, mine);
		if (mode & TOUCH_LOAD)
			seen += mine[1];
		mine[0] = ++n;
		store(&l->count, n + (seen & 0));
		if (done)
			__atomic_add_fetch(&l->late, 1, __ATOMIC_SEQ_CST);
	}
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	long c, t;

	(void)eid;
	(void)tid;
	switch (d0) {
	case TOUCH_SETUP:
		c = shm_map(d1, NULL);
		t = shm_map(d2, NULL);
		if (c > 0 && t > 0) {
			ctl = (struct ctl *)c;
			tgt = (volatile long *)t;
			mode = d3 & 0xff;
			harts = d3 >> 8;
			store(&setup_done, 1);
		}
		ipc_resp(c < 0 ? c : 0, t < 0 ? t : 0, 0, 0);
		break;
	case TOUCH_UNMAP:
		store(&unmap_cmd, 1);
		ipc_resp(0, 0, 0, 0);
		break;
	case TOUCH_UNMAP_HERE:
		ipc_resp(unmap_tgt(), 0, 0, 0);
		break;
	case TOUCH_PING:
		ipc_resp(0, 0, 0, 0);
		break;
	}
	ipc_resp(E_NOSYS, 0, 0, 0);
}

int main(void)
{
	if (sys_thread_pin(0) != 0)
		return 3;
	while (!load(&setup_done))
		sys_yield();
	for (long k = 1; k < harts && k < MAX_LANES; k++)
		if (thread_spawn(k, touch, k) < 0)
			return 4;
	while (!load(&unmap_cmd))
		sys_yield();
	unmap_tgt();
	for (;;)
		sys_notify_wait();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The signal target for smp_remote_notify: a process with exactly one
 * thread, which pins itself to the hart its parent names and then waits
 * in sys_notify_wait forever. Its migrant_signal counts every bit it is
 * delivered and checks that it runs on that hart, at depth 1 with eid 0.
 * The protocol is in tests/proto/smp_sigtarget.h.
 */
#include <migrant.h>

#include "../proto/smp_sigtarget.h"

static long want_hart = -1, pinned = -1, deliveries, bad, bad_hart = -1, wait_err;
static unsigned long once, twice;

static long load(long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(long *p, long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

void migrant_signal(unsigned long bits)
{
	struct mself me;
	long eid = -1, depth = ipc_depth(&eid);

	sys_self(&me);
	if (me.hart != load(&pinned) || depth != 1 || eid != 0) {
		store(&bad_hart, me.hart);
		__atomic_add_fetch(&bad, 1, __ATOMIC_SEQ_CST);
	}
	/*
	 * Count the delivery before publishing its bits: a query running
	 * concurrently on another hart that sees the bits then sees the count.
	 */
	__atomic_add_fetch(&deliveries, 1, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&twice, bits & __atomic_load_n(&once, __ATOMIC_SEQ_CST),
			  __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&once, bits, __ATOMIC_SEQ_CST);
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d2;
	(void)d3;
	switch (d0) {
	case SIGT_PIN:
		store(&want_hart, d1);
		ipc_resp(0, 0, 0, 0);
		break;
	case SIGT_STATE:
		ipc_resp(load(&pinned), load(&deliveries), load(&bad), load(&wait_err));
		break;
	case SIGT_BITS: {
		/* Bits first: a delivery is counted before its bits are published. */
		long bits = (long)__atomic_load_n(&once, __ATOMIC_SEQ_CST);
		long again = (long)__atomic_load_n(&twice, __ATOMIC_SEQ_CST);
		long n = load(&deliveries);

		ipc_resp(bits, again, n, load(&bad_hart));
		break;
	}
	case SIGT_RESET:
		__atomic_store_n(&once, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&twice, 0, __ATOMIC_SEQ_CST);
		store(&deliveries, 0);
		ipc_resp(0, 0, 0, 0);
		break;
	}
	ipc_resp(E_NOSYS, 0, 0, 0);
}

int main(void)
{
	struct mself me;
	long st;

	while (load(&want_hart) < 0)
		sys_yield();
	if (sys_thread_pin(load(&want_hart)) != 0)
		return 3;
	sys_self(&me);
	store(&pinned, me.hart);
	for (;;) {
		st = sys_notify_wait();
		if (st != 0)
			store(&wait_err, st);
	}
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A process is torn down while callers on every hart take their parked
 * frames back from it. Found by the stress smoke in make check (seed 1 at
 * 4 harts, a store fault in aspace_flush on a null space): a call into
 * another process at the same depth takes back the frame the caller had
 * parked in the first one, and used to flush the first one's space after
 * dropping its activation lock. A teardown could evict and free the
 * space in between. The flush now happens under the lock.
 *
 * Each round spawns two /svc_hop processes, A and B; a thread pinned to
 * every hart calls A and then B, over and over, so that every call into
 * B takes back a frame parked in A. The main thread kills A while that
 * goes on; `rounds` (40) rounds. A call into A may come back E_DIED or
 * E_NOENT (which ends that caller's round); every call into B must be
 * answered by B. Afterwards free pages, processes and threads are back
 * where they started. The window is a few instructions, so this rarely
 * failed even before the fix; the stress fuzzer's delays (INJECT=1) are
 * what found it.
 */
#include "dying.h"

static long answer_from(long pid)
{
	struct ipc_reply r = { -1, { -1, -1, -1, -1 } };
	long st = ipc_req(pid, HOPS(HOP_END, 0, 0, 0), 0, 0, 0, &r);

	if (st == 0 && (r.pid != pid || r.d[0] != HOP_MAGIC + pid))
		return 1;
	return st;
}

static long caller(long i)
{
	for (;;) {
		long st = answer_from(a);

		calls_made[i]++;
		if (st != 0 && st != E_DIED && st != E_NOENT)
			return st;
		st = answer_from(b);
		if (st != 0)
			return st;
		if (answer_from(a) == E_NOENT)
			return 0;
	}
}

/* Kill after every caller made a few calls, and a few more each round. */
static void after_some_calls(long round)
{
	wait_calls(3 + round % 8);
}

int main(void)
{
	run_dying_test("smp_dispose_dying", caller, after_some_calls);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A process is killed while callers on every hart kick out of it. Found
 * by the stress fuzzer (seed 23 at 4 harts): a kick parks the caller's
 * frame in the process it leaves, and so stops keeping it alive, a few
 * instructions before its hart switches satp to the next process. A
 * killer on another hart could tear the process down in between and free
 * the page tables that hart still ran on; it then faulted on its own
 * trap vector forever. aspace_destroy now waits for every hart to leave.
 * It runs at 2 harts: at 8 on a 2-core host the bkl build spends minutes
 * per round, and at 4 it sometimes does (every kick's remote fence waits
 * on descheduled harts while the big lock is held; docs/locking.md).
 *
 * Each round spawns two /svc_hop processes, A and B; a thread pinned to
 * every hart calls A, which kicks the call on to B, which answers. The
 * main thread kills A while the calls go on; `rounds` (40) rounds. Every call must come back
 * answered by B, or E_DIED (inside A at the kill), or E_NOENT (A gone,
 * which ends that caller's round); nothing else, and no hang. Afterwards
 * free pages, processes and threads are back where they started.
 */
#include "dying.h"

static long caller(long i)
{
	for (;;) {
		struct ipc_reply r = { -1, { -1, -1, -1, -1 } };
		long st = ipc_req(a, HOPS(HOP_KICK, HOP_END, 0, 0), b, 0, 0, &r);

		calls_made[i]++;
		if (st == E_NOENT)
			return 0;
		if (st == E_DIED)
			continue;
		if (st != 0 || r.pid != b || r.d[0] != HOP_MAGIC + b)
			return st ? st : 1;
	}
}

/* Kill while the kicks are going: after every caller made a few, and a bit later each round. */
static void a_moment_into_the_kicks(long round)
{
	unsigned long hz, t0;

	wait_calls(3);
	t0 = sys_clock(&hz);
	while (sys_clock(NULL) < t0 + hz / 10000 * (unsigned long)(round % 8))
		;
}

int main(void)
{
	run_dying_test("smp_kick_from_dying", caller, a_moment_into_the_kicks);
	return 0;
}

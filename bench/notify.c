/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signal delivery: a process signals itself from its root frame, so the
 * signal is delivered on the way out of the notify call itself: send,
 * forced migration into the handler, and the response that resumes the
 * sender. Each worker is a process of its own (own_process), since a
 * signal goes to whichever of a process's threads is home first.
 */
#include "bench.h"

static volatile long delivered;
static long self;

void migrant_signal(unsigned long bits)
{
	delivered += (long)bits;
}

/* A forked worker must not signal the process it was forked from. */
static long setup_notify(long harts)
{
	(void)harts;
	self = 0;
	return 0;
}

static long op_notify(long hart, long i)
{
	long before = delivered;

	(void)hart;
	(void)i;
	/* Each worker process asks once; fork gives every child its own pid. */
	if (self == 0) {
		struct mself me;

		sys_self(&me);
		self = me.pid;
	}
	return sys_notify(self, 1) != 0 || delivered != before + 1;
}

/* Each operation's signal enters the handler once (the check above). */
const struct scenario sc_notify = {
	.name = "notify", .own_process = true, .setup = setup_notify, .op = op_notify,
	.teardown = bench_teardown_none, .calls = 1,
};

/* SPDX-License-Identifier: BSD-2-Clause */
/* thread_spare's helpers: a fresh image has no spare root; a thread made and joined leaves one. */
#ifndef TESTS_PROGS_SPARE_H
#define TESTS_PROGS_SPARE_H

#include <migrant.h>

static long spare_echo(long x)
{
	return x;
}

static inline long spare_check(void)
{
	struct mstats s;
	long v = -1, tid;

	sys_stats(&s);
	if (s.kept != 0)
		return 1;
	for (long i = 0; i < 3; i++) {
		tid = thread_spawn(HART_ANY, spare_echo, i);
		if (tid <= 0 || sys_thread_join(tid, &v) != 0 || v != i)
			return 2;
	}
	sys_stats(&s);
	return s.kept > 0 ? 0 : 3;
}

#endif

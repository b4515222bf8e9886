/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the sys_hold tests share: the time read in user mode (inside a
 * HOLD_USER window a syscall would end it), and the rounds. Each round
 * says whether the window it opened was still open when it mattered; on
 * a starved host one may not be, so a test needs HELD_ROUNDS that were,
 * in at most HELD_TRIES.
 */
#ifndef TESTS_HELD_H
#define TESTS_HELD_H

#include <test.h>

#define HELD_ROUNDS 3
#define HELD_TRIES  12

static unsigned long held_hz;

static inline unsigned long held_now(void)
{
	unsigned long t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* Main on hart 0, the rounds, then free pages, processes and threads back where they were. */
__attribute__((noreturn))
static void held_run(const char *name, bool (*round)(long, const struct mstats *), const char *what)
{
	struct mstats before;
	long counted = 0, tries = 0;

	test_start(name);
	if (test_harts() < 2)
		test_fail("needs 2 harts");
	sys_clock(&held_hz);
	CHECK_EQ(sys_thread_pin(0), 0);
	stats_snapshot(&before);
	while (counted < HELD_ROUNDS && tries < HELD_TRIES)
		counted += round(tries++, &before);
	if (counted < HELD_ROUNDS)
		test_fail("only %ld of %ld rounds %s (host starved?)", counted, tries, what);
	stats_settle(&before);
	test_pass();
}

#endif

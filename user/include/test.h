/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test helper library. A test is a user program that prints exactly
 * one verdict line and exits:
 *
 *     VERDICT <name> PASS                 exit status 0
 *     VERDICT <name> FAIL: <reason>       exit status 1
 *
 * The harness greps for those exact forms, so tests print verdicts only
 * through test_pass and test_fail.
 */
#ifndef MIGRANT_TEST_H
#define MIGRANT_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include <migrant.h>

/* Names the test for its verdict line; call it first thing in main. */
void test_start(const char *name);

__attribute__((noreturn))
void test_pass(void);

/*
 * Prints the FAIL verdict with a one-line reason and exits 1. Safe from
 * any thread: the first verdict wins, and a thread that loses the race
 * leaves it to the winner.
 */
__attribute__((noreturn, format(printf, 1, 2)))
void test_fail(const char *fmt, ...);

/*
 * The value of key=VALUE on the kernel command line (for example
 * "test=boot harts=4"). test_arg parses a decimal number and returns dflt
 * when key is missing or not a number. test_arg_str copies the text into
 * out (NUL-terminated, cut to size) and returns its full length, or -1.
 */
long test_arg(const char *key, long dflt);
long test_arg_str(const char *key, char *out, size_t size);

/* Harts the kernel runs, as stats reports them. */
long test_harts(void);

/*
 * Runs fn(arg) on each of harts 0..harts-1 in turn, in a thread pinned
 * there and joined before the next: for the profiler's and the tracer's
 * per-hart start and stop. Returns the first hart where fn did not
 * return 0 (or its thread failed), or -1.
 */
long test_each_hart(long harts, long (*fn)(long), long arg);

/*
 * Takes a baseline once nothing is left to free: no epoch-deferred frees
 * and counts still for STATS_QUIET_MS of guest time.
 */
void stats_snapshot(struct mstats *s);

/*
 * Polls stats, yielding, until free pages, processes and threads all equal
 * want's; fails the test naming all three pairs once they have not moved
 * for STATS_SETTLE_SECONDS of guest time. Kernel frees are deferred
 * through epochs, so counts reach their final values shortly after a
 * teardown, later on a busy host.
 */
#define STATS_SETTLE_SECONDS 2
#define STATS_QUIET_MS 100
void stats_settle(const struct mstats *want);

/*
 * stats_settle's wait, for a caller with its own way to report a leak (the
 * stress driver): true once the counts equal want's, false once they have
 * stopped moving without getting there. *now holds the last reading.
 */
bool stats_wait_settled(const struct mstats *want, struct mstats *now);

/*
 * The echo services' checksum (tests/proto/echo.h): the d0 that /svc_echo
 * and /svc_smp_count answer a call from eid with words d1..d3.
 */
long checksum(long eid, long d1, long d2, long d3);

/*
 * One worker of a test in which every hart calls an echo service at once.
 * Started as thread_spawn(hart, hammer, (long)&h), it makes h.calls calls
 * (d0 = h.op) into h.svc, each with words of its own made from the call's
 * number and h.lane, and checks every reply: status 0, reply.pid h.svc,
 * and the words (checksum(h.client, words), h.client, h.svc, depth 1).
 * With h.go set it first waits (yielding) until *h.go is non-zero, so that
 * every worker is alive before any calls. Returns 0.
 */
struct hammer {
	/* Set by the test. */
	long svc, client, calls, op, lane;
	const long *go;
	/* Counted by the worker: the first wrong reply's details, and its harts. */
	long made, ok, bad, first_bad, bad_status, bad_pid, bad_word;
	long hart_before, hart_after;
} __attribute__((aligned(64)));

long hammer(long h);

/*
 * After the join: fails the test unless worker h, meant for hart `hart`,
 * made all its calls, every reply was right, and it ran on that hart
 * before and after.
 */
void hammer_check(const struct hammer *h, long hart);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			test_fail("%s:%d: CHECK(%s)",			\
				  __FILE__, __LINE__, #cond);		\
	} while (0)

/* Compares as long, which holds every syscall result and status word. */
#define CHECK_EQ(a, b)							\
	do {								\
		long check_a_ = (long)(a);				\
		long check_b_ = (long)(b);				\
		if (check_a_ != check_b_)				\
			test_fail("%s:%d: %s == %s: %ld != %ld",	\
				  __FILE__, __LINE__, #a, #b,		\
				  check_a_, check_b_);			\
	} while (0)

/* A call that should have succeeded: a >= 0. */
#define CHECK_OK(a)							\
	do {								\
		long check_a_ = (long)(a);				\
		if (check_a_ < 0)					\
			test_fail("%s:%d: %s failed: %ld",		\
				  __FILE__, __LINE__, #a, check_a_);	\
	} while (0)

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client side of the /svc_slow protocol (tests/proto/slow.h), shared by
 * the lifecycle and notification tests that use it.
 */
#ifndef TESTS_SLOW_H
#define TESTS_SLOW_H

#include <test.h>

#include "proto/slow.h"

/* svc_slow's SLOW_STATUS words. */
struct slow_status {
	long entries, active, done;
	unsigned long last_end;
};

__attribute__((unused)) static void slow_status(long pid, struct slow_status *s)
{
	struct ipc_reply r;
	long st = ipc_req(pid, SLOW_STATUS, 0, 0, 0, &r);

	if (st != 0 || r.pid != pid)
		test_fail("status of %ld: %ld (reply.pid %ld)", pid, st, r.pid);
	*s = (struct slow_status){ r.d[0], r.d[1], r.d[2], (unsigned long)r.d[3] };
}

/* Polls pid until `active` calls are inside it and `entries` have entered; 5 s of guest time at most. */
__attribute__((unused)) static void wait_inside(long pid, long entries, long active)
{
	unsigned long hz, t0 = sys_clock(&hz);
	struct slow_status s;

	for (;;) {
		slow_status(pid, &s);
		if (s.entries >= entries && s.active == active)
			return;
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("pid %ld: %ld entered, %ld inside; want %ld and %ld",
				  pid, s.entries, s.active, entries, active);
		sys_yield();
	}
}

__attribute__((unused)) static long spawn_slow(void)
{
	long pid = sys_spawn("/svc_slow", 0);

	if (pid <= 0)
		test_fail("spawn /svc_slow: %ld", pid);
	return pid;
}

__attribute__((unused)) static void kill_wait(long pid, long want_status)
{
	long status = -1, st;

	st = sys_kill(pid);
	if (st != 0)
		test_fail("kill %ld: %ld", pid, st);
	st = sys_wait(pid, &status);
	if (st != 0 || status != want_status)
		test_fail("wait %ld: %ld status %lx, want status %lx", pid, st, status, want_status);
}

__attribute__((unused)) static void wait_status(long pid, long want_status)
{
	long status = -1;
	long st = sys_wait(pid, &status);

	if (st != 0 || status != want_status)
		test_fail("wait %ld: %ld status %lx, want status %lx", pid, st, status, want_status);
}


#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_dying_target: calls into a process that is dying, after its own
 * threads have gone, so the caller's failed call is what completes its
 * teardown. The caller must get E_NOENT and keep running on its own page
 * table (a bug once left it on the kernel's, and the caller died of an
 * instruction page fault on return). Repeated, and nothing leaks.
 */
#include <test.h>

#define ROUNDS 200

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	long status;

	test_start("ipc_dying_target");
	stats_snapshot(&before);
	for (int i = 0; i < ROUNDS; i++) {
		long svc = sys_spawn("/svc_null", 0);
		long st;

		CHECK(svc > 0);
		CHECK_EQ(ipc_req(svc, 1, 0, 0, 0, &r), 0);
		CHECK_EQ(r.d[0], 2);
		CHECK_EQ(sys_kill(svc), 0);
		/* Let its thread run and exit, so only our parked frame holds it up. */
		for (int y = 0; y < 3; y++)
			sys_yield();
		do
			st = ipc_req(svc, 1, 0, 0, 0, &r);
		while (st == 0);
		CHECK_EQ(st, E_NOENT);
		CHECK_EQ(sys_wait(svc, &status), 0);
		CHECK_EQ(status, EXIT_KILLED);
	}
	stats_settle(&before);
	test_pass();
	return 0;
}

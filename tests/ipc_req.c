/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_req round trip: every argument word reaches the callee, the callee
 * sees us as its effective caller at depth 1, every return word comes
 * back, and the reply names the responder. Then a missing target, a bad
 * pid and a respond from the root frame fail cleanly, and nothing leaks.
 */
#include <test.h>

#include "proto/echo.h"

int main(void)
{
	struct mstats before;
	struct mself me;
	struct ipc_reply r;
	long status, svc;

	test_start("ipc_req");
	sys_self(&me);
	stats_snapshot(&before);
	svc = sys_spawn("/svc_echo", 0);
	CHECK(svc > 0);
	for (long i = 0; i < 1000; i++) {
		long d1 = i * 0x1001, d2 = -i, d3 = (long)0x8000000000000000ul + i;

		status = ipc_req(svc, ECHO_CALL, d1, d2, d3, &r);
		CHECK_EQ(status, 0);
		CHECK_EQ(r.pid, svc);
		CHECK_EQ(r.d[0], checksum(me.pid, d1, d2, d3));
		CHECK_EQ(r.d[1], me.pid);
		CHECK_EQ(r.d[2], svc);
		CHECK_EQ(r.d[3], 1);
	}
	CHECK_EQ(ipc_depth(0), 0);
	CHECK_EQ(ipc_req(0, 0, 0, 0, 0, &r), E_INVAL);
	CHECK_EQ(ipc_req(-7, 0, 0, 0, 0, &r), E_INVAL);
	CHECK_EQ(ipc_req(0x7ffff001, 0, 0, 0, 0, &r), E_NOENT);
	CHECK_EQ(ipc_resp(1, 2, 3, 4), E_INVAL);
	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &status), 0);
	CHECK_EQ(ipc_req(svc, 0, 0, 0, 0, &r), E_NOENT);
	stats_settle(&before);
	test_pass();
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* The exec service (tests/proto/exec.h): answers d0 + 2 until a signal makes it exec /svc_null. */
#include <migrant.h>

#include "../proto/exec.h"

static volatile unsigned long go;
static long holding;            /* atomic: EXEC_HOLD calls inside */

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d1;
	(void)d2;
	(void)d3;
	if (d0 == EXEC_HOLDING)
		ipc_resp(__atomic_load_n(&holding, __ATOMIC_RELAXED), 0, 0, 0);
	if (d0 == EXEC_HOLD) {
		__atomic_fetch_add(&holding, 1, __ATOMIC_RELAXED);
		for (;;)
			sys_yield();
	}
	sys_yield();
	ipc_resp(d0 + EXEC_OLD_STEP, 0, 0, 0);
}

void migrant_signal(unsigned long bits)
{
	go |= bits;
}

int main(void)
{
	long st;

	/* Not a plain wait: a handler between the test and the wait would be missed. */
	for (unsigned long seen; !(seen = go);)
		sys_notify_wait_while(&go, seen);
	st = sys_exec("/svc_null");
	return EXEC_FAILED | (int)(-st & 0x7f);
}

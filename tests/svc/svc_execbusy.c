/* SPDX-License-Identifier: BSD-2-Clause */
/* The exec-refused service (tests/proto/execbusy.h). */
#include <migrant.h>

#include "../proto/execbusy.h"

static volatile unsigned long got;
static volatile long exec_status = EB_PENDING;

/*
 * Waits, without missing a signal, until a handler has set `bit` in got: a
 * handler that runs between the test and the wait (a tick there delivers
 * it) changes got, and the wait then returns at once.
 */
static void wait_for(unsigned long bit)
{
	unsigned long seen;

	while (!((seen = got) & bit))
		sys_notify_wait_while(&got, seen);
}

/* Either thread may be the one a signal wakes: whichever sees EB_SIG_EXIT ends the process. */
static __attribute__((noreturn)) void wait_exit(void)
{
	wait_for(EB_SIG_EXIT);
	sys_exit(EB_EXITED);
}

/* The thread a call makes: it keeps the exec from finding main alone, then lives on. */
static long linger(long unused)
{
	(void)unused;
	wait_exit();
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	struct mself me;

	(void)eid;
	(void)tid;
	(void)d1;
	(void)d2;
	(void)d3;
	if (d0 == EB_STATUS)
		ipc_resp(exec_status, 0, 0, 0);
	if (d0 != EB_CALL)
		ipc_resp(E_NOSYS, 0, 0, 0);
	sys_self(&me);
	sys_notify(me.pid, EB_SIG_EXEC);
	for (int i = 0; i < EB_YIELDS; i++)
		sys_yield();
	ipc_resp(thread_spawn(0, linger, 0), 0, 0, 0);
}

void migrant_signal(unsigned long bits)
{
	got |= bits;
}

int main(void)
{
	/* On hart 0 with the test: the pages exec frees are the next the test gets. */
	sys_thread_pin(0);
	wait_for(EB_SIG_EXEC);
	exec_status = sys_exec("/svc_null");
	wait_exit();
}

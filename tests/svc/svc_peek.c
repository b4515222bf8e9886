/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A service that reaches for memory it should not have, for
 * activation_isolation. The protocol is in tests/proto/peek.h.
 */
#include <migrant.h>

#include "../proto/peek.h"

static long current_sp(void)
{
	long sp;

	__asm__ volatile("mv %0, sp" : "=r"(sp));
	return sp;
}

static void own(void)
{
	volatile long buf[256];
	long ok = 1;

	for (int i = 0; i < 256; i++)
		buf[i] = i * 7 + 1;
	for (int i = 0; i < 256; i++)
		if (buf[i] != i * 7 + 1)
			ok = 0;
	ipc_resp(ok, 0, 0, 0);
}

static void call_load(long pid, long addr)
{
	volatile long local = PEEK_SECRET;
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	long st = ipc_req(pid, PEEK_LOAD, addr ? addr : (long)&local, 0, 0, &r);

	ipc_resp(st, r.pid, r.d[0], local);
}

static long spinning;

static void call_sp(long pid)
{
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	long st = ipc_req(pid, PEEK_SP, 0, 0, 0, &r);

	ipc_resp(st, r.pid, r.d[0], r.d[1]);
}

static void spin(long ms)
{
	volatile long buf[1024];
	unsigned long hz, t0 = sys_clock(&hz);
	long ok = 1;

	for (int i = 0; i < 1024; i++)
		buf[i] = PEEK_SECRET;
	__atomic_add_fetch(&spinning, 1, __ATOMIC_SEQ_CST);
	while (sys_clock(NULL) - t0 < (unsigned long)ms * hz / 1000)
		;
	__atomic_add_fetch(&spinning, -1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 1024; i++)
		if (buf[i] != PEEK_SECRET)
			ok = 0;
	ipc_resp(ok, 0, 0, 0);
}

/* Counts the words below sp, down to sp - bytes, that hold PEEK_SECRET; reads only. */
static void scan(long bytes)
{
	const volatile long *w = (const volatile long *)(current_sp() - bytes);
	long found = 0;

	for (long i = 0; i < bytes / 8; i++)
		found += w[i] == PEEK_SECRET;
	ipc_resp(found, 0, 0, 0);
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	long p;

	(void)eid;
	(void)tid;
	(void)d3;
	switch (d0) {
	case PEEK_OWN:
		own();
		break;
	case PEEK_LOAD:
		ipc_resp(*(volatile long *)d1, 0, 0, 0);
		break;
	case PEEK_STORE:
		*(volatile long *)d1 = 0x1badl;
		ipc_resp(0, 0, 0, 0);
		break;
	case PEEK_STORE_ABOVE:
		p = current_sp() + d1 + 64;
		*(volatile long *)p = 0x1badl;
		ipc_resp(p, 0, 0, 0);
		break;
	case PEEK_FRAME:
		ipc_resp(ipc_frame(d1), 0, 0, 0);
		break;
	case PEEK_SP:
		ipc_resp(current_sp(), ipc_depth(0), 0, 0);
		break;
	case PEEK_CALL_LOAD:
		call_load(d1, d2);
		break;
	case PEEK_CALL_SP:
		call_sp(d1);
		break;
	case PEEK_SPIN:
		spin(d1);
		break;
	case PEEK_SCAN:
		scan(d1);
		break;
	case PEEK_STATUS:
		ipc_resp(__atomic_load_n(&spinning, __ATOMIC_SEQ_CST), 0, 0, 0);
		break;
	}
	ipc_resp(E_NOSYS, 0, 0, 0);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

/*
 * A service that reaches for memory it should not have, for
 * activation_isolation. d0 selects:
 *   PEEK_OWN: writes and reads back a buffer on its own activation;
 *       responds 1 if it read what it wrote.
 *   PEEK_LOAD (d1 = address): responds the word loaded from d1.
 *   PEEK_STORE (d1 = address): stores a word at d1, responds 0.
 *   PEEK_STORE_ABOVE (d1 = our reservation): stores at sp + d1 + 64, which
 *       lies above our activation, in our caller's; responds the address.
 *   PEEK_FRAME (d1 = bytes): responds ipc_frame(d1).
 *   PEEK_SP: responds our stack pointer and ipc_depth.
 *   PEEK_CALL_LOAD (d1 = pid, d2 = address or 0): calls d1's PEEK_LOAD
 *       with d2, or with the address of one of our own locals if d2 is 0;
 *       responds (status, reply.pid, reply d0, our local's value after).
 *   PEEK_CALL_SP (d1 = pid): calls d1's PEEK_SP; responds (status,
 *       reply.pid, its sp, its depth).
 *   PEEK_SPIN (d1 = ms): fills 8 KiB of its activation with SECRET, spins
 *       d1 ms with PEEK_STATUS saying so, responds 1 if the buffer is intact.
 *   PEEK_STATUS: responds (calls spinning now, 0, 0, 0).
 */
#include <migrant.h>

#define PEEK_OWN         0x71
#define PEEK_LOAD        0x72
#define PEEK_STORE       0x73
#define PEEK_STORE_ABOVE 0x74
#define PEEK_FRAME       0x75
#define PEEK_SP          0x76
#define PEEK_CALL_LOAD   0x77
#define PEEK_CALL_SP     0x78
#define PEEK_SPIN        0x79
#define PEEK_STATUS      0x7a

#define SECRET 0x5ec2e7l

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
	volatile long local = SECRET;
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
		buf[i] = SECRET;
	__atomic_add_fetch(&spinning, 1, __ATOMIC_SEQ_CST);
	while (sys_clock(NULL) - t0 < (unsigned long)ms * hz / 1000)
		;
	__atomic_add_fetch(&spinning, -1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 1024; i++)
		if (buf[i] != SECRET)
			ok = 0;
	ipc_resp(ok, 0, 0, 0);
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

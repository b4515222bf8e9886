/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stress service (docs/stress.md). Every call is a hop of a chain
 * (CMD_CHAIN): it either passes the chain on to the next hop with the hop's
 * kind (req, fwd, tail, kick), or, as the last hop, does what the chain's
 * term says: respond, make one syscall from the typed table, fault, exit,
 * read and write a shared region, signal, or yield. Every answer carries
 * the checksums of stress.h, so the client can tell a reply meant for it
 * from anything else. Other processes are found through the driver
 * (CMD_LOOKUP), which keeps the table of who serves which slot.
 */
#include "stress.h"

static long driver;
static long signals;
static char buf[FUZZ_BUF] __attribute__((aligned(4096)));

static long self_pid(void)
{
	struct mself me;

	sys_self(&me);
	return me.pid;
}

/* Another migration, into the driver; 0 if it fails (the caller then gets E_INVAL). */
static long lookup(long what, long index)
{
	struct ipc_reply r;

	if (!driver || ipc_req(driver, CMD_LOOKUP, what, index, 0, &r) != 0)
		return 0;
	return r.d[0];
}

static long thread_entry(long value)
{
	return value;
}

static void answer(unsigned long tag, long tokens, long nonce, long r1, long r2)
{
	ipc_resp((long)(tag ^ mix((unsigned long)tokens, (unsigned long)nonce)), r1, r2,
		 (long)mix((unsigned long)nonce, (unsigned long)(r1 ^ r2)));
}

static long fuzz(long nr, long tokens, long tid)
{
	const struct sysdesc *d = sys_find(nr);
	struct fuzz_ctx c = { self_pid(), tid, 0, buf, lookup, thread_entry };
	struct mstats s;

	/* A call can arrive before main has run. */
	sys_stats(&s);
	c.harts = s.harts;

	if (!d || !(d->where & IN_SVC))
		return E_NOSYS;
	return fuzz_call(&c, d, (unsigned long)tokens);
}

/* The region's first eight words are the client's; we answer in the next eight. */
static long shm_touch(long id, long nonce, long *bad)
{
	long va = shm_map(id, NULL);
	volatile unsigned long *w = (volatile unsigned long *)va;

	if (va < 0)
		return va;
	*bad = 0;
	for (int i = 0; i < 8; i++) {
		*bad |= w[i] != mix((unsigned long)nonce, (unsigned long)i);
		w[8 + i] = mix((unsigned long)nonce, (unsigned long)i) ^ 1;
	}
	shm_unmap((void *)va);
	return 0;
}

static void last_hop(long tid, long d0, long d1, long d2, long d3)
{
	long r = 0, bad = 0;

	switch (D0_TERM(d0)) {
	case T_RESP:
		/* The client knows how deep its chain must be by now. */
		bad = ipc_depth(NULL);
		break;
	case T_FUZZ:
		r = fuzz(D0_NR(d0), d1, tid);
		break;
	case T_FAULT:
		*(volatile long *)0 = 1;
		break;
	case T_EXIT:
		sys_exit(7);
	case T_SHM:
		r = shm_touch(d3, d2, &bad);
		break;
	case T_SIGNAL:
		r = sys_notify(lookup(L_SLOT + (d3 & 7) % NSVC, 0), (unsigned long)d3 >> 8);
		break;
	case T_YIELD:
		for (long i = 0; i < (d3 & 7); i++)
			sys_yield();
		break;
	default:
		answer(TAG_ERR, d1, d2, E_NOSYS, 0);
		return;
	}
	answer(TAG_OK, d1, d2, r, bad);
}

static long hop_call(long kind, long pid, long d0, long d1, long d2, long d3, struct ipc_reply *r)
{
	switch (kind) {
	case H_FWD: return ipc_fwd(pid, d0, d1, d2, d3, r);
	case H_TAIL: return ipc_tail(pid, d0, d1, d2, d3, r);
	case H_KICK: return ipc_kick(pid, d0, d1, d2, d3, r);
	}
	return ipc_req(pid, d0, d1, d2, d3, r);
}

/*
 * Hop 0 of the chain in d0 is the one that brought us here. A req or fwd
 * passes the reply up unchanged; code after a tail or kick runs only if it
 * failed. Either failure answers TAG_ERR with the status and reply.pid.
 */
static void chain(long tid, long d0, long d1, long d2, long d3)
{
	unsigned long hops = D0_HOPS(d0), rest;
	struct ipc_reply r = { 0, { 0, 0, 0, 0 } };
	long pid, st;

	if (HOPS_N(hops) <= 1) {
		last_hop(tid, d0, d1, d2, d3);
		return;
	}
	rest = HOPS_REST(hops);
	pid = HOP_SLOT(rest, 0) >= NSVC ? self_pid() : lookup(L_SLOT + HOP_SLOT(rest, 0), 0);
	st = hop_call(HOP_KIND(rest, 0), pid, CHAIN_D0(D0_TERM(d0), D0_NR(d0), rest), d1, d2, d3, &r);
	if (st == 0)
		ipc_resp(r.d[0], r.d[1], r.d[2], r.d[3]);
	answer(TAG_ERR, d1, d2, st, r.pid);
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	switch (d0 & 0xff) {
	case CMD_CHAIN:
		chain(tid, d0, d1, d2, d3);
		return;
	case CMD_SETUP:
		driver = d1;
		/*
		 * Small activations, so chains can go deep before E_DEPTH. Set
		 * here, not in main: when main runs is up to the scheduler, and a
		 * fuzzed ipc_frame in between would make results depend on it.
		 */
		ipc_frame(4096);
		ipc_resp((long)PING_TAG, 0, 0, 0);
		return;
	case CMD_PING:
		ipc_resp((long)(PING_TAG ^ (unsigned long)d1), 0, 0, 0);
		return;
	}
	ipc_resp(E_NOSYS, 0, 0, 0);
}

void migrant_signal(unsigned long bits)
{
	(void)bits;
	__atomic_fetch_add(&signals, 1, __ATOMIC_RELAXED);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A callee cannot touch its callers' activations: they are not mapped in
 * it. A service that loads from the address of our local variable (passed
 * in a word) dies with a load page fault (EXIT_FAULT | 13) and our call
 * returns E_DIED; one that stores there, or just above its own activation
 * (sp + its reservation + 64, inside our root activation), dies with a
 * store page fault (EXIT_FAULT | 15). Our variable is untouched. The same
 * holds one level down (a service calling another with the address of
 * its own local), and for an activation a process had mapped in an
 * earlier call at the same depth: once another process uses those pages,
 * the first one cannot read them. Likewise for an activation parked one
 * level deeper that a later, larger activation one level up overlaps:
 * neither the thread itself (calling back into that process) nor another
 * thread of ours probing that process from another hart (after it had
 * read the parked pages there, so its TLB may hold them) can reach the
 * live activation. And what a process left on an activation is gone
 * before the next process gets those pages. The services are /svc_peek.
 */
#include <test.h>

#include "proto/peek.h"

#define LOAD_FAULT  (EXIT_FAULT | 13)
#define STORE_FAULT (EXIT_FAULT | 15)

static long spawn_peek(void)
{
	long pid = sys_spawn("/svc_peek", 0);
	struct ipc_reply r;

	if (pid <= 0)
		test_fail("spawn /svc_peek: %ld", pid);
	/* It works on its own activation. */
	CHECK_EQ(ipc_req(pid, PEEK_OWN, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], 1);
	return pid;
}

static void expect_died(long st, const struct ipc_reply *r, long pid, const char *what)
{
	if (st != E_DIED || r->pid != pid || r->d[0] || r->d[1] || r->d[2] || r->d[3])
		test_fail("%s: status %ld reply.pid %ld words %lx %lx; want E_DIED from %ld, zeros",
			  what, st, r->pid, r->d[0], r->d[1], pid);
}

static void expect_status(long pid, long want, const char *what)
{
	long status = -1;

	CHECK_EQ(sys_wait(pid, &status), 0);
	if (status != want)
		test_fail("%s: exit status %lx, want %lx", what, status, want);
}

static long probe_target, probe_addr, probe_spinner, probe_first, probe_status;
static struct ipc_reply probe_reply;

/*
 * Reads probe_addr in probe_target while it is parked there, then again
 * once probe_spinner has the thread's pages in use.
 */
static long prober(long unused)
{
	unsigned long hz, t0 = sys_clock(&hz);
	struct ipc_reply r;

	(void)unused;
	probe_first = ipc_req(probe_target, PEEK_LOAD, probe_addr, 0, 0, &r);
	__atomic_store_n(&probe_status, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		CHECK_EQ(ipc_req(probe_spinner, PEEK_STATUS, 0, 0, 0, &r), 0);
		if (r.d[0])
			break;
		if (sys_clock(NULL) - t0 > 5 * hz)
			test_fail("prober: the spinner never started");
		sys_yield();
	}
	probe_status = ipc_req(probe_target, PEEK_LOAD, probe_addr, 0, 0, &probe_reply);
	return 0;
}

/*
 * a (4 KiB) calls p at depth 2, where p's 16 KiB activation parks; then
 * `other` takes depth 1's other way (a stays parked in its own), so that
 * b (16 KiB) at depth 1 next takes a's way and spans the upper part of
 * p's. Returns p's sp then.
 */
static long park_deep(long a, long p, long other)
{
	struct ipc_reply r;
	long sp;

	CHECK_EQ(ipc_req(a, PEEK_CALL_SP, p, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], 0);
	CHECK_EQ(r.d[1], p);
	CHECK_EQ(r.d[3], 2);
	sp = r.d[2];
	CHECK_EQ(ipc_req(other, PEEK_OWN, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], 1);
	return sp;
}

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	volatile long local = PEEK_SECRET;
	long p, q, st, sp1;

	test_start("activation_isolation");
	stats_snapshot(&before);

	/* Loading from our stack. */
	p = spawn_peek();
	st = ipc_req(p, PEEK_LOAD, (long)&local, 0, 0, &r);
	expect_died(st, &r, p, "load from the caller's local");
	expect_status(p, LOAD_FAULT, "load from the caller's local");
	CHECK_EQ(ipc_req(p, PEEK_OWN, 0, 0, 0, &r), E_NOENT);

	/* Storing to our stack, by address. */
	p = spawn_peek();
	st = ipc_req(p, PEEK_STORE, (long)&local, 0, 0, &r);
	expect_died(st, &r, p, "store to the caller's local");
	expect_status(p, STORE_FAULT, "store to the caller's local");
	CHECK_EQ(local, PEEK_SECRET);

	/* Storing just above its own 4 KiB activation: into our root one. */
	p = spawn_peek();
	CHECK_EQ(ipc_req(p, PEEK_FRAME, 4096, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], ACT_DEFAULT);
	CHECK_EQ(ipc_req(p, PEEK_SP, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[1], 1);
	/* sp + 4096 + 64 lands in our 16 KiB root activation, below our local. */
	CHECK((unsigned long)r.d[0] + 4096 + 64 > (unsigned long)&local - ACT_DEFAULT);
	CHECK((unsigned long)r.d[0] + 4096 + 64 < (unsigned long)&local);
	st = ipc_req(p, PEEK_STORE_ABOVE, 4096, 0, 0, &r);
	expect_died(st, &r, p, "store above the callee's activation");
	expect_status(p, STORE_FAULT, "store above the callee's activation");
	CHECK_EQ(local, PEEK_SECRET);

	/* One level down: q passes p the address of its own local. */
	p = spawn_peek();
	q = spawn_peek();
	st = ipc_req(q, PEEK_CALL_LOAD, p, 0, 0, &r);
	CHECK_EQ(st, 0);
	CHECK_EQ(r.pid, q);
	CHECK_EQ(r.d[0], E_DIED);
	CHECK_EQ(r.d[1], p);
	CHECK_EQ(r.d[2], 0);
	CHECK_EQ(r.d[3], PEEK_SECRET);
	expect_status(p, LOAD_FAULT, "load from the middle caller's local");

	/*
	 * An activation p used before: p runs at depth 1 and notes its sp;
	 * a third service takes depth 1's other way, keeping p's frame
	 * parked; then q runs at depth 1, which takes p's place (a depth keeps
	 * two), on the same pages, and calls p at depth 2, which reads at its
	 * old sp, now inside q's live activation.
	 */
	p = spawn_peek();
	CHECK_EQ(ipc_req(p, PEEK_SP, 0, 0, 0, &r), 0);
	sp1 = r.d[0];
	CHECK_EQ(ipc_req(p, PEEK_SP, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], sp1);
	{
		long third = spawn_peek();

		CHECK_EQ(ipc_req(third, PEEK_SP, 0, 0, 0, &r), 0);
		CHECK(r.d[0] != sp1);
		CHECK_EQ(ipc_req(q, PEEK_SP, 0, 0, 0, &r), 0);
		CHECK_EQ(r.d[0], sp1);
		CHECK_EQ(sys_kill(third), 0);
		expect_status(third, EXIT_KILLED, "the third service");
	}
	st = ipc_req(q, PEEK_CALL_LOAD, p, sp1, 0, &r);
	CHECK_EQ(st, 0);
	if (r.d[0] != E_DIED || r.d[1] != p)
		test_fail("p read q's activation at %lx through its old frame: status %ld word %lx",
			  sp1, r.d[0], r.d[2]);
	expect_status(p, LOAD_FAULT, "load from an activation used earlier");

	/* An activation parked deeper, overlapped by a later one up: the thread itself. */
	{
		long a = spawn_peek(), b = spawn_peek(), c = spawn_peek(), sp2, tid, v = -1;

		CHECK_EQ(ipc_req(a, PEEK_FRAME, 4096, 0, 0, &r), 0);
		p = spawn_peek();
		sp2 = park_deep(a, p, c);
		st = ipc_req(b, PEEK_CALL_LOAD, p, sp2, 0, &r);
		CHECK_EQ(st, 0);
		if (r.d[0] != E_DIED || r.d[1] != p)
			test_fail("p read b's activation at %lx through a deeper parked frame: "
				  "status %ld word %lx", sp2, r.d[0], r.d[2]);
		expect_status(p, LOAD_FAULT, "load from a deeper parked activation");

		/* The same from another thread, on another hart where there is one. */
		p = spawn_peek();
		sp2 = park_deep(a, p, c);
		probe_target = p, probe_addr = sp2, probe_spinner = b;
		tid = thread_spawn(test_harts() > 1 ? 1 : 0, prober, 0);
		CHECK_OK(tid);
		while (!__atomic_load_n(&probe_status, __ATOMIC_SEQ_CST))
			sys_yield();
		printf("activation_isolation: the parked activation at %lx was %sreadable from "
		       "another thread\n", sp2, probe_first == 0 ? "" : "not ");
		if (probe_first == 0) {
			/* p could read the parked pages; now b's live ones must be out of reach. */
			CHECK_EQ(ipc_req(b, PEEK_SPIN, 300, 0, 0, &r), 0);
			CHECK_EQ(r.d[0], 1);
			CHECK_EQ(sys_thread_join(tid, &v), 0);
			if (probe_status != E_DIED || probe_reply.pid != p)
				test_fail("another thread read b's activation at %lx in p: status %ld "
					  "word %lx", sp2, probe_status, probe_reply.d[0]);
			expect_status(p, LOAD_FAULT, "another thread's load from a live activation");
		} else {
			/* Parked pages not visible either: stricter, fine. Let the prober finish. */
			CHECK_EQ(probe_first, E_DIED);
			CHECK_EQ(ipc_req(b, PEEK_SPIN, 50, 0, 0, &r), 0);
			CHECK_EQ(sys_thread_join(tid, &v), 0);
			expect_status(p, LOAD_FAULT, "another thread's load from a parked activation");
		}
		CHECK_EQ(v, 0);
		CHECK_EQ(sys_kill(a), 0);
		expect_status(a, EXIT_KILLED, "a");
		CHECK_EQ(sys_kill(b), 0);
		expect_status(b, EXIT_KILLED, "b");
		CHECK_EQ(sys_kill(c), 0);
		expect_status(c, EXIT_KILLED, "c");
	}

	/*
	 * What a process left on its activation does not reach the next
	 * process that gets those pages: a fills 8 KiB of its depth-1
	 * activation with PEEK_SECRET and returns; c takes depth 1's other way
	 * (a stays parked); b then takes a's place, on the same pages, and
	 * reads 12 KiB below its sp.
	 */
	{
		long a = spawn_peek(), b = spawn_peek(), c = spawn_peek();

		for (int i = 0; i < 3; i++) {
			CHECK_EQ(ipc_req(a, PEEK_SPIN, 0, 0, 0, &r), 0);
			CHECK_EQ(r.d[0], 1);
			CHECK_EQ(ipc_req(c, PEEK_OWN, 0, 0, 0, &r), 0);
			CHECK_EQ(ipc_req(b, PEEK_SCAN, 12 * 1024, 0, 0, &r), 0);
			if (r.d[0] != 0)
				test_fail("b found %ld words of what a left on the activation they shared",
					  r.d[0]);
		}
		CHECK_EQ(sys_kill(a), 0);
		expect_status(a, EXIT_KILLED, "a");
		CHECK_EQ(sys_kill(b), 0);
		expect_status(b, EXIT_KILLED, "b");
		CHECK_EQ(sys_kill(c), 0);
		expect_status(c, EXIT_KILLED, "c");
	}

	/* q survived all of it. */
	CHECK_EQ(ipc_req(q, PEEK_OWN, 0, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], 1);
	CHECK_EQ(sys_kill(q), 0);
	expect_status(q, EXIT_KILLED, "q");
	stats_settle(&before);
	test_pass();
	return 0;
}

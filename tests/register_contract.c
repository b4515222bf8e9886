/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * register_contract: the register contract of the migration calls
 * (docs/ipc.md), from both sides. The callee (/svc_regs) enters with every
 * register zero but pc, sp and a0..a5; the caller, which loads a pattern
 * into every register it may before the ecall, gets ra, gp, tp and s0-s11
 * back after a call, a tail chain, a refused call, an unwind from a server
 * that died and an abort, with t0-t6, a6 and a7 zero after each of those
 * but the refusal. Each case runs several times, so the first call (the C
 * path: nothing parked yet) and the repeated ones (with FASTPATH, the
 * assembly path) are both checked; a signal handler's entry is checked
 * as well.
 */
#include <test.h>
#include "proto/regs.h"

#define REPEAT 4

/* The pattern register xi holds across the ecall. */
#define PAT(i) (0x5a5a000000000000ul | (unsigned long)(i) << 8 | 0xc3)

static const int kept[] = { 1, 3, 4, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27 };
static const int temps[] = { 5, 6, 7, 16, 17, 28, 29, 30, 31 };

/*
 * long contract_call(long nr, long pid, long d0, long d1, unsigned long out[32]):
 * the migration call nr with every register it may set at PAT(i) (a0, a2,
 * a3 and a7 carry the call; a4 and a5, d2 and d3, are 0), and out[i] = xi
 * as the ecall left it. Its own callee-saved registers it keeps on its
 * stack, as any function must.
 */
long contract_call(long nr, long pid, long d0, long d1, unsigned long out[32]);
__asm__(
	"	.text\n"
	"	.globl contract_call\n"
	"contract_call:\n"
	"	addi	sp, sp, -384\n"
	"	sd	ra, 0(sp)\n"
	"	sd	gp, 8(sp)\n"
	"	sd	tp, 16(sp)\n"
	"	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11\n"
	"	sd	s\\i, 24 + \\i * 8(sp)\n"
	"	.endr\n"
	"	sd	a4, 120(sp)\n"
	"	mv	a7, a0\n"
	"	mv	a0, a1\n"
	"	li	a4, 0\n"
	"	li	a5, 0\n"
	"	.irp i, 1, 3, 4, 5, 6, 7, 8, 9, 11, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, "
	"29, 30, 31\n"
	"	li	x\\i, 0x5a5a000000000000 | \\i << 8 | 0xc3\n"
	"	.endr\n"
	"	ecall\n"
	"	.irp i, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, "
	"23, 24, 25, 26, 27, 28, 29, 30, 31\n"
	"	sd	x\\i, 128 + \\i * 8(sp)\n"
	"	.endr\n"
	"	sd	zero, 128(sp)\n"
	"	sd	zero, 128 + 16(sp)\n"
	"	ld	t0, 120(sp)\n"
	"	addi	t1, sp, 128\n"
	"	li	t2, 32\n"
	"1:	ld	t3, 0(t1)\n"
	"	sd	t3, 0(t0)\n"
	"	addi	t1, t1, 8\n"
	"	addi	t0, t0, 8\n"
	"	addi	t2, t2, -1\n"
	"	bnez	t2, 1b\n"
	"	ld	ra, 0(sp)\n"
	"	ld	gp, 8(sp)\n"
	"	ld	tp, 16(sp)\n"
	"	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11\n"
	"	ld	s\\i, 24 + \\i * 8(sp)\n"
	"	.endr\n"
	"	addi	sp, sp, 384\n"
	"	ret\n");

/* The call, and the caller's side of the contract; migrated: it left this process. */
static long call(const char *what, long nr, long pid, long d0, long d1, bool migrated,
		 unsigned long x[32])
{
	long st = contract_call(nr, pid, d0, d1, x);

	for (unsigned i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (x[kept[i]] != PAT(kept[i]))
			test_fail("%s: x%d came back 0x%lx, not the caller's 0x%lx (status %ld)", what,
				  kept[i], x[kept[i]], PAT(kept[i]), st);
	for (unsigned i = 0; migrated && i < sizeof(temps) / sizeof(temps[0]); i++)
		if (x[temps[i]] != 0)
			test_fail("%s: x%d came back 0x%lx, not zero (status %ld)", what, temps[i],
				  x[temps[i]], st);
	return st;
}

/* The callee's side: its entry's mask, eid and tid, as REGS_ENTRY answered them in a2..a4. */
static void expect_entry(const char *what, const unsigned long x[32], long eid, long tid)
{
	if (x[12] != 0)
		test_fail("%s: the callee found nonzero at entry: mask 0x%lx (bit i: xi)", what, x[12]);
	if ((long)x[13] != eid || (long)x[14] != tid)
		test_fail("%s: the callee saw eid %ld tid %ld, want %ld and %ld", what, (long)x[13],
			  (long)x[14], eid, tid);
}

static long spawn_regs(void)
{
	long pid = sys_spawn("/svc_regs", 0);

	CHECK(pid > 0);
	return pid;
}

static void reap(long pid, long want)
{
	long status;

	CHECK_EQ(sys_wait(pid, &status), 0);
	CHECK_EQ(status, want);
}

static volatile long victim, svc_spin;

/* Aborts the victim's call once it is inside svc_spin's REGS_SPIN. */
static long aborter(long round)
{
	struct ipc_reply r;

	for (;;) {
		CHECK_EQ(ipc_req(svc_spin, REGS_SPINNING, 0, 0, 0, &r), 0);
		if (r.d[0] > round)
			break;
		sys_yield();
	}
	CHECK_EQ(ipc_abort(victim), 0);
	return 0;
}

int main(void)
{
	unsigned long x[32];
	struct mself me;
	long a, b, st;

	test_start("register_contract");
	sys_self(&me);
	a = spawn_regs();
	b = spawn_regs();

	/* Repeated calls into one process: the first takes the C path, the rest the parked frame. */
	for (int i = 0; i < REPEAT; i++) {
		CHECK_EQ(call("req", SYS_IPC_REQ, a, REGS_ENTRY, 0, true, x), 0);
		CHECK_EQ((long)x[11], a);
		expect_entry("req", x, me.pid, me.tid);
	}
	for (int i = 0; i < REPEAT; i++) {
		/* The reply comes from b, which a's tail entered with a's pid as eid. */
		CHECK_EQ(call("tail", SYS_IPC_REQ, a, REGS_TAIL, b, true, x), 0);
		CHECK_EQ((long)x[11], b);
		expect_entry("tail", x, a, me.tid);
	}
	for (int i = 0; i < REPEAT; i++) {
		CHECK_EQ(call("refused pid 0", SYS_IPC_REQ, 0, REGS_ENTRY, 0, false, x), E_INVAL);
		CHECK_EQ(call("refused fwd at the root", SYS_IPC_FWD, a, REGS_ENTRY, 0, false, x),
			 E_INVAL);
		CHECK_EQ(call("refused missing pid", SYS_IPC_REQ, 0x7fffff, REGS_ENTRY, 0, false, x),
			 E_NOENT);
	}

	/* A signal handler enters with nothing of what it interrupted. */
	CHECK_EQ(sys_notify(a, 1), 0);
	for (st = -1; st == -1; sys_yield()) {
		CHECK_EQ(call("signal query", SYS_IPC_REQ, a, REGS_SIGNAL, 0, true, x), 0);
		st = (long)x[12];
	}
	if (st != 0)
		test_fail("the signal handler found nonzero at entry: mask 0x%lx", st);

	for (int i = 0; i < REPEAT; i++) {
		long dying = spawn_regs();

		CHECK_EQ(call("unwind", SYS_IPC_REQ, dying, REGS_DIE, 0, true, x), E_DIED);
		reap(dying, EXIT_FAULT | 15);
	}

	svc_spin = spawn_regs();
	victim = me.tid;
	for (long round = 0; round < REPEAT; round++) {
		long tid = thread_spawn(HART_ANY, aborter, round);

		CHECK(tid > 0);
		CHECK_EQ(call("abort", SYS_IPC_REQ, svc_spin, REGS_SPIN, 0, true, x), E_ABORTED);
		CHECK_EQ(sys_thread_join(tid, NULL), 0);
	}

	for (long pid = a; pid; pid = pid == a ? b : pid == b ? svc_spin : 0) {
		CHECK_EQ(sys_kill(pid), 0);
		reap(pid, EXIT_KILLED);
	}
	test_pass();
}

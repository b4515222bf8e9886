/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_slow protocol (tests/svc/svc_slow.c): a service that spends
 * time, hangs, faults or calls on. The client-side helpers are in
 * tests/slow.h.
 *
 * d0 selects the operation; the codes lie above the START_* codes, so a
 * root fwd with eid 0 still reaches migrant_serve:
 *   SLOW_SPIN (d1 = ms): mixes eight registers for d1 ms of guest time,
 *       then responds (iterations, checksum, clock at the end, calls done).
 *       The checksum depends only on the iteration count (see spin_sum in
 *       the service), so a caller can recompute it: any register the
 *       kernel failed to restore across an interruption shows as a wrong
 *       checksum.
 *   SLOW_HANG_SPIN: spins in user mode forever, never entering the kernel.
 *   SLOW_HANG_WAIT: blocks in sys_notify_wait forever.
 *   SLOW_STATUS: responds (calls entered, calls inside now, SLOW_SPIN calls
 *       done, clock at the last SLOW_SPIN's end).
 *   SLOW_CHAIN (d1 = next pid, d2 = the one after, d3 = SLOW_WHAT(op, arg)):
 *       with d1 = 0 runs op(arg) here; else calls d1 with SLOW_CHAIN(d2,
 *       0, d3) and responds (status, reply.pid, reply d0, reply d1).
 *   SLOW_ILLEGAL: executes an illegal instruction.
 *   SLOW_ABORT (d1 = tid): responds ipc_abort(d1) as run in this process.
 *   SLOW_EXIT (d1 = status): sys_exit from inside the call. An exit that
 *       returns (a kernel bug) is answered (SLOW_EXIT_RETURNED, its result).
 *   SLOW_EXIT_TOGETHER (d1 = status, d2 = n): waits until n calls are
 *       inside (at most 100 ms), then exits like SLOW_EXIT, so the n exits
 *       race each other.
 *   SLOW_THREAD_EXIT: responds what thread_exit of the borrowed thread returns.
 *   SLOW_SELF: responds (our pid, ipc_depth, its eid, chains returned).
 * Any other d0 is answered (E_NOSYS, d0, 0, 0).
 */
#ifndef TESTS_PROTO_SLOW_H
#define TESTS_PROTO_SLOW_H

#define SLOW_SPIN          0x41
#define SLOW_HANG_SPIN     0x42
#define SLOW_HANG_WAIT     0x43
#define SLOW_STATUS        0x44
#define SLOW_CHAIN         0x45
#define SLOW_ILLEGAL       0x46
#define SLOW_ABORT         0x47
#define SLOW_EXIT          0x48
#define SLOW_THREAD_EXIT   0x49
#define SLOW_SELF          0x4a
#define SLOW_EXIT_TOGETHER 0x4b

/* SLOW_EXIT's and SLOW_EXIT_TOGETHER's d0 when sys_exit returned. */
#define SLOW_EXIT_RETURNED 0xe417

/* SLOW_CHAIN's d3: what the last process runs. */
#define SLOW_WHAT(op, arg) ((long)(op) | ((long)(arg) << 8))

/*
 * SLOW_SPIN's checksum: rounds of mixing eight words, each round depending
 * only on its number n, so the result (slow_mix_sum) is a function of the
 * iteration count alone. The service keeps the words in registers while
 * it spins (a local struct that never escapes is split into registers);
 * a caller runs the same rounds to check its answer.
 */
struct slow_mix {
	unsigned long a, b, c, d, e, f, g, h;
};

#define SLOW_MIX_INIT { 1, 2, 3, 4, 5, 6, 7, 8 }

static inline __attribute__((always_inline)) void slow_mix_round(struct slow_mix *m, long n)
{
	m->a = m->a * 6364136223846793005ul + (unsigned long)n;
	m->b ^= m->a >> 29;
	m->c += m->b * 0x9e3779b97f4a7c15ul;
	m->d = (m->d << 7 | m->d >> 57) ^ m->c;
	m->e += m->d ^ (m->e >> 11);
	m->f ^= m->e * 3 + m->a;
	m->g += m->f >> 3;
	m->h = (m->h ^ m->g) * 0xff51afd7ed558ccdul;
}

static inline unsigned long slow_mix_sum(const struct slow_mix *m)
{
	return m->a + 3 * m->b + 5 * m->c + 7 * m->d + 11 * m->e + 13 * m->f + 17 * m->g +
	       19 * m->h;
}

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Migration stubs. The kernel hands a callee only sp and a0..a5, and on
 * return restores only pc and sp and sets a0..a5: every other register
 * comes back zeroed. So the caller keeps its own callee-saved registers on
 * its own activation, which the callee cannot reach.
 *
 * long ipc_req(long pid, long d0, long d1, long d2, long d3, struct ipc_reply *r)
 * (and fwd, tail, kick): a0 = status; r (if not NULL) gets the pid that
 * responded and d0..d3.
 */
#include <migrant/syscall.h>

#define SAVE 128

	.text
	.globl ipc_req, ipc_fwd, ipc_tail, ipc_kick, ipc_resp
ipc_req:
	li	a7, SYS_IPC_REQ
	j	ipc_call
ipc_fwd:
	li	a7, SYS_IPC_FWD
	j	ipc_call
ipc_tail:
	li	a7, SYS_IPC_TAIL
	j	ipc_call
ipc_kick:
	li	a7, SYS_IPC_KICK
ipc_call:
	/* The words travel in a2..a5 (syscall.h); r goes to the stack. */
	addi	sp, sp, -SAVE
	sd	a5, 24(sp)
	mv	a5, a4
	mv	a4, a3
	mv	a3, a2
	mv	a2, a1
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, 16(sp)
	sd	s0, 32(sp)
	sd	s1, 40(sp)
	sd	s2, 48(sp)
	sd	s3, 56(sp)
	sd	s4, 64(sp)
	sd	s5, 72(sp)
	sd	s6, 80(sp)
	sd	s7, 88(sp)
	sd	s8, 96(sp)
	sd	s9, 104(sp)
	sd	s10, 112(sp)
	sd	s11, 120(sp)
	ecall
	ld	t0, 24(sp)
	beqz	t0, 1f
	sd	a1, 0(t0)
	sd	a2, 8(t0)
	sd	a3, 16(t0)
	sd	a4, 24(t0)
	sd	a5, 32(t0)
1:	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, 16(sp)
	ld	s0, 32(sp)
	ld	s1, 40(sp)
	ld	s2, 48(sp)
	ld	s3, 56(sp)
	ld	s4, 64(sp)
	ld	s5, 72(sp)
	ld	s6, 80(sp)
	ld	s7, 88(sp)
	ld	s8, 96(sp)
	ld	s9, 104(sp)
	ld	s10, 112(sp)
	ld	s11, 120(sp)
	addi	sp, sp, SAVE
	ret

/* long ipc_resp(long d0, long d1, long d2, long d3): returns only on error. */
ipc_resp:
	mv	a5, a3
	mv	a4, a2
	mv	a3, a1
	mv	a2, a0
	li	a7, SYS_IPC_RESP
	ecall
	ret

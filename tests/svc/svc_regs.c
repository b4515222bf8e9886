/* SPDX-License-Identifier: BSD-2-Clause */
/* The register-checking service (tests/proto/regs.h). */
#include <migrant.h>

#include "../proto/regs.h"

static volatile long spinning;
static volatile long signal_mask = -1;

unsigned long regs_entered(const unsigned long *x);

/*
 * The kernel enters every thread here (crt0.S is the usual _start; this
 * one replaces it). Every register is stored before anything writes one,
 * regs_entered turns them into the mask, and the mask goes on to
 * migrant_entry as d3: the entries this service takes (calls from the test
 * and the kernel's own starts) all pass 0 there, and none reads it but
 * migrant_serve.
 */
__asm__(
	"	.section .text.start, \"ax\", @progbits\n"
	"	.globl _start\n"
	"_start:\n"
	"	addi	sp, sp, -256\n"
	"	.irp i, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, "
	"23, 24, 25, 26, 27, 28, 29, 30, 31\n"
	"	sd	x\\i, \\i * 8(sp)\n"
	"	.endr\n"
	"	.option push\n"
	"	.option norelax\n"
	"	la	gp, __global_pointer$\n"
	"	.option pop\n"
	"	mv	a0, sp\n"
	"	call	regs_entered\n"
	"	mv	a5, a0\n"
	"	ld	a0, 10 * 8(sp)\n"
	"	ld	a1, 11 * 8(sp)\n"
	"	ld	a2, 12 * 8(sp)\n"
	"	ld	a3, 13 * 8(sp)\n"
	"	ld	a4, 14 * 8(sp)\n"
	"	addi	sp, sp, 256\n"
	"	li	s0, 0\n"
	"	li	ra, 0\n"
	"	call	migrant_entry\n"
	"	unimp\n"
	"	.text\n");

/*
 * x: the registers at entry, stored 256 bytes below the entry's sp. Bit 2
 * (sp's) says sp was not 16-byte aligned. A signal handler's entry (eid 0,
 * d0 START_SIGNAL) leaves its mask for REGS_SIGNAL.
 */
unsigned long regs_entered(const unsigned long *x)
{
	unsigned long mask = (unsigned long)x & 15 ? 1ul << 2 : 0;

	for (int i = 1; i < 32; i++)
		if ((REGS_ZERO_AT_ENTRY >> i & 1) && x[i] != 0)
			mask |= 1ul << i;
	if (x[10] == 0 && x[12] == START_SIGNAL)
		signal_mask = (long)mask;
	return mask;
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long mask)
{
	struct ipc_reply r;

	(void)d2;
	switch (d0) {
	case REGS_ENTRY:
		ipc_resp(mask, eid, tid, 0);
		break;
	case REGS_TAIL:
		ipc_resp(ipc_tail(d1, REGS_ENTRY, 0, 0, 0, &r), 0, 0, 0);
		break;
	case REGS_DIE:
		/* A store to a kernel address: EXIT_FAULT | 15. */
		__asm__ volatile("sd zero, 0(%0)" : : "r"(0xffffffc000000000ul) : "memory");
		break;
	case REGS_SPIN:
		__atomic_add_fetch(&spinning, 1, __ATOMIC_RELAXED);
		for (;;)
			sys_yield();
	case REGS_SPINNING:
		ipc_resp(spinning, 0, 0, 0);
		break;
	case REGS_SIGNAL:
		ipc_resp(signal_mask, 0, 0, 0);
		break;
	}
	ipc_resp(E_NOSYS, 0, 0, 0);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

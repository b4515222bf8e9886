/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every thread of a user process enters here, with the kernel's entry
 * convention (include/migrant/layout.h): a0 = pid (0 when the kernel
 * started it), a1 = tid, a2..a5 = d0..d3, sp = top of the thread's own
 * 16-byte aligned stack. Registers a0..a5 go straight through to C.
 */
	.section .text.start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	/*
	 * gp must hold __global_pointer$ before any C runs, because the linker
	 * relaxes small-data accesses to gp-relative ones. norelax keeps this
	 * very load from being relaxed against a gp that is not set yet.
	 */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	/*
	 * s0 and ra are zero, which ends every backtrace here: the kernel
	 * enters every thread with every register zero but sp and a0..a5
	 * (docs/ipc.md, "The register contract").
	 */
	/*
	 * A migrated call (a0, the caller, not 0) goes straight to the
	 * program's handler, as migrant_entry would send it, and one that
	 * returns ends in migrant_served. The kernel's own entries (a0 0)
	 * are migrant_entry's to sort out.
	 */
	beqz	a0, 1f
	call	migrant_serve
	tail	migrant_served
1:	call	migrant_entry
	/* migrant_entry never returns; trap rather than run off the end. */
	unimp
	.size _start, . - _start

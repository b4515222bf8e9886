/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_regs protocol (tests/svc/svc_regs.c): a service whose _start
 * records, before any C runs, which registers an entry found nonzero that
 * the register contract (docs/ipc.md) says start at zero: every one but
 * sp and a0..a5, as a mask with bit i for register xi (bit 2, sp's: sp
 * was not 16-byte aligned).
 *   REGS_ENTRY: answers (that mask, the entry's eid, its tid, 0).
 *   REGS_TAIL (d1 = pid): tails into pid with REGS_ENTRY.
 *   REGS_DIE: faults, so the caller gets E_DIED.
 *   REGS_SPIN: counts itself in and yields until aborted.
 *   REGS_SPINNING: answers (calls counted in by REGS_SPIN, 0, 0, 0).
 *   REGS_SIGNAL: answers (the mask of the last signal handler's entry, or
 *     -1 before one, 0, 0, 0); main waits for signals all along.
 */
#ifndef TESTS_PROTO_REGS_H
#define TESTS_PROTO_REGS_H

#define REGS_ENTRY    1
#define REGS_TAIL     2
#define REGS_DIE      3
#define REGS_SPIN     4
#define REGS_SPINNING 5
#define REGS_SIGNAL   6

/* Every register but x0, sp (x2) and a0..a5 (x10..x15). */
#define REGS_ZERO_AT_ENTRY (~0ul << 1 & ~(1ul << 2) & ~(0x3ful << 10) & 0xfffffffful)

#endif

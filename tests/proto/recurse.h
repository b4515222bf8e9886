/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_recurse protocol (tests/svc/svc_recurse.c): a service that
 * calls itself, for activation_exhaustion. d0 selects:
 *   REC_FRAME (d1 = bytes): responds ipc_frame(d1).
 *   REC_DOWN (d1 = level, d2 = deepest level to try): this frame is level
 *       d1 (1 for the first call in). It checks that it runs at depth d1
 *       with eid = the client (level 1) or itself, fills a buffer on its
 *       activation, calls itself with level d1 + 1 unless d1 == d2, checks
 *       the buffer is intact, and responds
 *         (sum of the levels from here down, deepest level reached,
 *          level whose call failed with E_DEPTH or 0, error bits)
 *       where a failure of its own call adds nothing below it. Error bits:
 *       1 wrong depth, 2 wrong eid, 4 buffer corrupted, 8 a call failed
 *       with something other than E_DEPTH, 16 a wrong reply.pid.
 * Any other d0 is answered (E_NOSYS, 0, 0, 0).
 */
#ifndef TESTS_PROTO_RECURSE_H
#define TESTS_PROTO_RECURSE_H

#define REC_FRAME 0x81
#define REC_DOWN  0x82

#endif

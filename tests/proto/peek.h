/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_peek protocol (tests/svc/svc_peek.c): a service that reaches
 * for memory it should not have, for activation_isolation. d0 selects:
 *   PEEK_OWN: writes and reads back a buffer on its own activation;
 *       responds 1 if it read what it wrote.
 *   PEEK_LOAD (d1 = address): responds the word loaded from d1.
 *   PEEK_STORE (d1 = address): stores a word at d1, responds 0.
 *   PEEK_STORE_ABOVE (d1 = its reservation): stores at sp + d1 + 64, which
 *       lies above its activation, in its caller's; responds the address.
 *   PEEK_FRAME (d1 = bytes): responds ipc_frame(d1).
 *   PEEK_SP: responds its stack pointer and ipc_depth.
 *   PEEK_CALL_LOAD (d1 = pid, d2 = address or 0): calls d1's PEEK_LOAD
 *       with d2, or with the address of one of its own locals (holding
 *       PEEK_SECRET) if d2 is 0; responds (status, reply.pid, reply d0, its
 *       local's value after).
 *   PEEK_CALL_SP (d1 = pid): calls d1's PEEK_SP; responds (status,
 *       reply.pid, its sp, its depth).
 *   PEEK_SPIN (d1 = ms): fills 8 KiB of its activation with PEEK_SECRET,
 *       spins d1 ms with PEEK_STATUS saying so, responds 1 if the buffer is
 *       intact.
 *   PEEK_STATUS: responds (calls spinning now, 0, 0, 0).
 *   PEEK_SCAN (d1 = bytes): responds (how many words from sp - d1 up to
 *       sp hold PEEK_SECRET, 0, 0, 0), reading only.
 * Any other d0 is answered (E_NOSYS, 0, 0, 0).
 */
#ifndef TESTS_PROTO_PEEK_H
#define TESTS_PROTO_PEEK_H

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
#define PEEK_SCAN        0x7b

#define PEEK_SECRET 0x5ec2e7l

#endif

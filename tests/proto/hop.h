/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_hop protocol (tests/svc/svc_hop.c): a chain hop for the
 * migration tests. Several instances of it make a chain of processes. The
 * client-side helpers are in tests/hop.h.
 *
 * d0 & 0xff selects the command:
 *   HOP_CMD_HOP: d0 >> 8 is a list of hop kinds, four bits each, lowest
 *     first (build it with HOPS); d1..d3 are the pids of the next hops.
 *     The hop records what it was entered with (eid, ipc_depth and its
 *     eid, a call count), then takes the first kind:
 *       HOP_END   respond (HOP_MAGIC + its pid, eid, depth, depth's eid)
 *       HOP_REQ, HOP_FWD, HOP_TAIL, HOP_KICK
 *                 call d1 that way with the rest of the list, the pids
 *                 shifted down (d1 = d2, d2 = d3, d3 = 0), and record the
 *                 call's status and reply.pid. After a req or fwd the
 *                 reply's words are passed up unchanged (on an error:
 *                 HOP_ERR, status, reply.pid, 0). Code after a tail or
 *                 kick runs only if it failed: it sets the after-tail mark
 *                 and responds HOP_BAD, status, 0, 0.
 *   HOP_CMD_QUERY:  respond (eid, depth, depth's eid, calls) last recorded
 *   HOP_CMD_QUERY2: respond (inner status, inner reply.pid, after-tail mark,
 *                   the hop's pid); the inner status is HOP_NONE until a
 *                   call was made
 *   HOP_CMD_FRAME:  ipc_frame(d1); respond with its result
 *   HOP_CMD_RESET:  forget everything recorded
 * An unknown command or kind is answered (HOP_ERR, E_NOSYS or E_INVAL, 0, 0).
 *
 * The command codes start above the START_* codes: a fwd or kick from a
 * root frame enters a hop with eid 0, and the runtime reads eid 0 with d0
 * in START_MAIN..START_IRQ as a kernel start, never reaching migrant_serve.
 */
#ifndef TESTS_PROTO_HOP_H
#define TESTS_PROTO_HOP_H

#define HOP_CMD_HOP     0x21
#define HOP_CMD_QUERY   0x22
#define HOP_CMD_QUERY2  0x23
#define HOP_CMD_FRAME   0x24
#define HOP_CMD_RESET   0x25

#define HOP_END  0
#define HOP_REQ  1
#define HOP_FWD  2
#define HOP_TAIL 3
#define HOP_KICK 4

#define HOP_MAGIC 0x70c0de0000l
#define HOP_BAD   0xbadl
#define HOP_ERR   0x7e770000l
/* The inner status before any call: no migration call returns it. */
#define HOP_NONE  1

#define HOPS(a, b, c, d) \
	(HOP_CMD_HOP | ((long)(a) << 8) | ((long)(b) << 12) | ((long)(c) << 16) | ((long)(d) << 20))

#endif

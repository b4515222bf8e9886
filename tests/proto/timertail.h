/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_timertail protocol (tests/svc/svc_timertail.c): a call with d0
 * = a target pid arms the calling thread's timer, which fires while the
 * thread is still in the service, borrowed; the timer's handler tries
 * ipc_tail, ipc_fwd and ipc_kick to the target, and the call answers
 * (tail status, fwd status, kick status, handler runs).
 */
#ifndef TESTS_PROTO_TIMERTAIL_H
#define TESTS_PROTO_TIMERTAIL_H

#define TIMERTAIL_DELAY 2000            /* timebase ticks until the timer fires */
#define TIMERTAIL_GIVE_UP 10000000      /* ticks the call waits for its handler */

#endif

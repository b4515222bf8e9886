/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_sigtarget protocol (tests/svc/svc_sigtarget.c): the signal
 * target for notify_signal, one thread which goes away into a /svc_slow
 * twice and then waits in sys_notify_wait, each round when its parent
 * says so; its migrant_signal logs every delivery. Spawned without
 * R_NOTIFY.
 *   SIG_CONFIG (d1 = pid of a /svc_slow, d2 = ms): lets main start.
 *   SIG_GO (d1 = round): lets main start round d1 (2, 3; 4 ends it).
 *   SIG_STATE: responds (phase, deliveries, first error, sys_notify
 *       without the right's status).
 *   SIG_LOG (d1 = i): responds delivery i's (bits, depth, eid, main's phase).
 *   SIG_TIME (d1 = i): responds (delivery i's clock, the end clock of the
 *       slow call of round i + 1, 0, 0).
 * SIG_LOG and SIG_TIME keep SIG_NLOG deliveries; another i reads entry 0.
 * The phases main goes through are enum sig_phase. Any other d0 is
 * answered (E_NOSYS, 0, 0, 0).
 */
#ifndef TESTS_PROTO_SIGTARGET_H
#define TESTS_PROTO_SIGTARGET_H

#define SIG_CONFIG 0x61
#define SIG_GO     0x62
#define SIG_STATE  0x63
#define SIG_LOG    0x64
#define SIG_TIME   0x65

#define SIG_NLOG   8

enum sig_phase {
	SIG_AWAY_1 = 1,   /* away in the slow service in round 1 */
	SIG_BACK_1,       /* back from it */
	SIG_AWAY_2,       /* away again, in round 2 */
	SIG_BACK_2,
	SIG_WAITING,      /* in sys_notify_wait, in round 3 */
	SIG_WOKEN,        /* its wait returned */
};

#endif

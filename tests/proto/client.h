/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_client protocol (tests/svc/svc_client.c): a client process for
 * client_death that, once configured, calls a slow service from its main
 * thread while a second thread idles in its root process.
 *   CL_CONFIG (d1 = pid of a /svc_slow, d2 = ms, d3 = pid of a /svc_slow
 *       to call through, or 0): main calls d1's SLOW_SPIN(d2), through
 *       d3's SLOW_CHAIN if d3 is set; responds (0, 0, 0, 0).
 *   CL_STATUS: responds (phase, idler started, call status, 0); phase is
 *       CL_AWAY while main is away, CL_BACK once its call returned (0
 *       before it left).
 * Any other d0 is answered (E_NOSYS, 0, 0, 0).
 */
#ifndef TESTS_PROTO_CLIENT_H
#define TESTS_PROTO_CLIENT_H

#define CL_CONFIG 0x51
#define CL_STATUS 0x52

#define CL_AWAY 1
#define CL_BACK 2

#endif

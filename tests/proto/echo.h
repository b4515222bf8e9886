/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The echo protocol of /svc_echo (tests/svc/svc_echo.c) and
 * /svc_smp_count (tests/svc/svc_smp_count.c), which tests may use in
 * each other's place. d0 selects the operation:
 *   ECHO_CALL: responds (checksum(eid, d1, d2, d3), eid, the service's pid,
 *       ipc_depth), with checksum() from the test library (<test.h>);
 *       svc_smp_count counts the call.
 *   ECHO_COUNT (svc_smp_count only): responds (ECHO_CALL calls answered
 *       so far, 0, 0, 0); this call is not counted.
 * svc_echo answers every d0 as ECHO_CALL; svc_smp_count answers any other
 * d0 with (E_NOSYS, 0, 0, 0).
 */
#ifndef TESTS_PROTO_ECHO_H
#define TESTS_PROTO_ECHO_H

#define ECHO_CALL  0
#define ECHO_COUNT 1

#endif

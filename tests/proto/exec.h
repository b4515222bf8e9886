/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_exec protocol (tests/svc/svc_exec.c): a service that replaces
 * itself with /svc_null (tests/proto/null.h) when signalled. Until then it
 * answers every call with (d0 + EXEC_OLD_STEP, 0, 0, 0), after yielding once
 * inside the call so that calls are still inside it when the exec begins;
 * /svc_null then answers (d0 + 1, 0, 0, 0). If the exec fails, the service
 * exits with EXEC_FAILED | -status. Two calls the old image treats apart:
 *   EXEC_HOLD: stays inside for good, yielding, until the service dies;
 *   EXEC_HOLDING: answers (EXEC_HOLD calls inside now, 0, 0, 0) at once.
 */
#ifndef TESTS_PROTO_EXEC_H
#define TESTS_PROTO_EXEC_H

#define EXEC_OLD_STEP 2
#define EXEC_FAILED   0x80
#define EXEC_HOLD     (-1)
#define EXEC_HOLDING  (-2)

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_execbusy protocol (tests/svc/svc_execbusy.c): a service whose
 * exec is made to fail with E_BUSY, after which it lives on in its old
 * image until told to exit.
 *   EB_CALL: signals the service's main to exec, yields EB_YIELDS times
 *     inside (the exec builds its image and waits for this call), makes a
 *     thread of the service's own, and answers (tid, 0, 0, 0). The exec
 *     then finds another live thread and fails with E_BUSY.
 *   EB_STATUS: answers (the exec's status once it returned, or 1, 0, 0, 0).
 * Signal EB_SIG_EXIT: main returns EB_EXITED.
 */
#ifndef TESTS_PROTO_EXECBUSY_H
#define TESTS_PROTO_EXECBUSY_H

#define EB_CALL      1
#define EB_STATUS    2
#define EB_SIG_EXEC  1ul
#define EB_SIG_EXIT  2ul
#define EB_YIELDS    20
#define EB_PENDING   1
#define EB_EXITED    0x21

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_null protocol (tests/svc/svc_null.c), also used by the
 * benchmarks: every call is answered at once with (d0 + 1, 0, 0, 0). A call
 * with d0 = NULL_SHRINK first shrinks the service's activation reservation
 * to one page, which is all a handler that calls nothing needs.
 */
#ifndef TESTS_PROTO_NULL_H
#define TESTS_PROTO_NULL_H

#define NULL_SHRINK (-1)

#endif

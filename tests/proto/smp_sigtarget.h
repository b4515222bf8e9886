/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_smp_sigtarget protocol (tests/svc/svc_smp_sigtarget.c): the
 * signal target for smp_remote_notify, a process with exactly one thread,
 * which pins itself to the hart its parent names and then waits in
 * sys_notify_wait forever. Its migrant_signal counts every bit it is
 * delivered and checks that it runs on that hart, at depth 1 with eid 0.
 *   SIGT_PIN (d1 = hart): main pins itself there.
 *   SIGT_STATE: responds (the hart main reports after pinning, or -1
 *       before; deliveries; bad deliveries (wrong hart, depth or eid);
 *       notify_wait returns other than 0).
 *   SIGT_BITS: responds (bits delivered at least once, bits delivered
 *       more than once, deliveries, the last bad delivery's hart).
 *   SIGT_RESET: forgets the bits and deliveries counted so far.
 * Any other d0 is answered (E_NOSYS, 0, 0, 0).
 */
#ifndef TESTS_PROTO_SMP_SIGTARGET_H
#define TESTS_PROTO_SMP_SIGTARGET_H

#define SIGT_PIN   0x81
#define SIGT_STATE 0x82
#define SIGT_BITS  0x83
#define SIGT_RESET 0x84

#endif

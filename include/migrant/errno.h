/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Status codes returned by every migrant syscall. Success is >= 0; every
 * failure is one of the negative codes below, never anything else.
 */
#ifndef MIGRANT_ERRNO_H
#define MIGRANT_ERRNO_H

#define E_OK        0
#define E_INVAL    -1  /* malformed argument: bad flag, misaligned value, zero size */
#define E_FAULT    -2  /* pointer not in user space, unmapped, or wrong permission */
#define E_NOENT    -3  /* no such pid, tid or initrd file */
#define E_PERM     -4  /* caller lacks the right, or is not the parent */
#define E_NOMEM    -5  /* out of pages, objects, ids or address space */
#define E_RANGE    -6  /* size or count over its documented limit */
#define E_BADELF   -7  /* initrd file is not a loadable rv64 ELF */
#define E_BUSY     -8  /* the object is in a state that forbids the call */
#define E_NOSYS    -9  /* unknown syscall number */
#define E_DEADLK  -10  /* a thread joining itself */
#define E_KILLED  -11  /* the call was interrupted because the caller is dying */
#define E_DIED    -12  /* migration: a server on the path died (killed, exited or faulted) */
#define E_ABORTED -13  /* migration: the caller's root process aborted the call (ipc_abort) */
#define E_DEPTH   -14  /* migration: the callee's activation does not fit the stack */

#define E_MIN     -14

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Machine description for Concurrency Kit on rv64 (migrant's own file; ck's
 * configure script would generate one for the host, and Debian installs an
 * x86 one, which is wrong here).
 *
 * RISC-V's memory model is RVWMO: loads and stores may be reordered with
 * each other, so ck must be told the model is RMO. ck's generic GCC ck_pr
 * then emits fence instructions for every ck_pr_fence_* it needs.
 */
#ifndef CK_MD_H
#define CK_MD_H

#define CK_MD_CACHELINE 64
#define CK_MD_PAGESIZE 4096
#define CK_MD_RMO
/* Sv39: 39 significant virtual address bits, sign extended. */
#define CK_MD_VMA_BITS 39
#define CK_MD_VMA_BITS_UNKNOWN
/* No hardware transactions, no double-width CAS on rv64. */
#define CK_MD_RTM_DISABLE
#define CK_MD_LSE_DISABLE
#define CK_MD_POINTER_PACK_DISABLE
#define CK_MD_SSE_DISABLE
#define CK_MD_PPC32_LWSYNC
#define CK_MD_DISABLE_DOUBLE

#define CK_VERSION "0.7.1"
#define CK_GIT_SHA "debian"

#endif

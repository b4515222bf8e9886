/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_shm protocol (tests/svc/svc_shm.c), for shm_share. d0 selects:
 *   SVC_SHM_MAP (d1 = region id, d2 = n): maps region d1, reads the word
 *       at byte SVC_SHM_READ_AT, writes SVC_SHM_MARK + d2 at offset 0,
 *       unmaps; responds (the word read, 0, unmap's status, 0), or (0,
 *       map's status, 0, 0) if the map failed.
 *   SVC_SHM_FREE (d1 = region id): responds (shm_free(d1), 0, 0, 0).
 *   SVC_SHM_CREATE: creates a region of SVC_SHM_SIZE bytes, fills every
 *       byte with SVC_SHM_FILL and grants it to the caller (eid); responds (its id, the grant's
 *       status, 0, 0), or (the failed step's status, 0, 0, 0).
 * Any other d0 is answered (E_NOSYS, 0, 0, 0).
 */
#ifndef TESTS_PROTO_SHM_H
#define TESTS_PROTO_SHM_H

#define SVC_SHM_MAP    0
#define SVC_SHM_FREE   1
#define SVC_SHM_CREATE 2

#define SVC_SHM_READ_AT 2048
#define SVC_SHM_MARK    0xbeef
#define SVC_SHM_SIZE    4096
#define SVC_SHM_FILL    0x5a

#endif

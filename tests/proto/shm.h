/*
 * The /svc_shm protocol (tests/svc/svc_shm.c), for shm_share. d0 selects:
 *   SVC_SHM_MAP (d1 = region id, d2 = n): maps region d1, reads the word
 *       at offset 2048, writes 0xbeef + d2 at offset 0, unmaps; responds
 *       (the word read, 0, unmap's status, 0), or (0, map's status, 0, 0)
 *       if the map failed.
 *   SVC_SHM_FREE (d1 = region id): responds (shm_free(d1), 0, 0, 0).
 *   SVC_SHM_CREATE: creates a region of 4096 bytes, fills it with 0x5a and
 *       grants it to the caller (eid); responds (its id, the grant's
 *       status, 0, 0), or (the failed step's status, 0, 0, 0).
 * Any other d0 is answered (E_NOSYS, 0, 0, 0).
 */
#ifndef TESTS_PROTO_SHM_H
#define TESTS_PROTO_SHM_H

#define SVC_SHM_MAP    0
#define SVC_SHM_FREE   1
#define SVC_SHM_CREATE 2

#endif

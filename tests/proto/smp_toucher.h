/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_smp_toucher protocol (tests/svc/svc_smp_toucher.c): the toucher
 * for smp_tlb_shootdown. Threads on every hart but 0 touch a shared region
 * until it is unmapped under them, and then must fault. The parent creates
 * two regions and grants both to the toucher: `ctl`, which stays mapped
 * and which both sides read and write (struct ctl), and `tgt`, the one that
 * is touched and unmapped. Operations (d0):
 *   TOUCH_SETUP (d1 = ctl id, d2 = tgt id, d3 = mode | harts << 8):
 *       maps both; responds (ctl map status, tgt map status, 0, 0). Main
 *       (pinned to hart 0) then starts a toucher pinned to each hart
 *       1..harts-1, each touching its own line of tgt. Mode TOUCH_LOAD:
 *       a touch loads a word of tgt, then stores one; else it only stores.
 *       Mode TOUCH_KERNEL: parked touchers spin on syscalls, so they are
 *       mostly in the kernel, with the toucher's space in satp, when the
 *       unmap comes (the shootdown's lazy case).
 *   TOUCH_UNMAP: main unmaps tgt; responds 0 at once.
 *   TOUCH_UNMAP_HERE: the calling thread unmaps tgt itself, migrated into
 *       the toucher; responds (shm_unmap's status, 0, 0, 0).
 *   TOUCH_PING: responds 0 (the caller learns whether it is alive).
 * Any other d0 is answered (E_NOSYS, 0, 0, 0).
 *
 * Whoever unmaps sets ctl->unmap_started before shm_unmap and, once it
 * returned, ctl->unmap_status and then ctl->unmap_done. A toucher reads
 * unmap_done before each touch; a touch that succeeds after it read 1
 * is counted in its lane's `late`: a translation outlived the unmap.
 * When the parent sets ctl->quiet, the touchers stop touching, say so in
 * their lane's `parked`, and spin (in user mode, touching only ctl)
 * until unmap_done; then the one whose lane is ctl->final makes one more
 * access (a load in TOUCH_LOAD mode, else a store), marking `tried`
 * before it and `late` after it.
 */
#ifndef TESTS_PROTO_SMP_TOUCHER_H
#define TESTS_PROTO_SMP_TOUCHER_H

#define TOUCH_SETUP      0x71
#define TOUCH_UNMAP      0x72
#define TOUCH_UNMAP_HERE 0x73
#define TOUCH_PING       0x74
#define TOUCH_LOAD       1
#define TOUCH_KERNEL     2
#define MAX_LANES        64

/* The ctl region's layout (8 KiB); a lane is 64 bytes, one per toucher. */
struct lane {
	long count, late, hart, parked, tried, pad[3];
};

struct ctl {
	struct lane lane[MAX_LANES];
	long unmap_started, unmap_done, unmap_status, quiet, final;
};

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Lock statistics for `make profile` (PROFILE=1 builds only): per lock
 * class (sync/lockclass.h), acquisitions, contended acquisitions, total
 * and maximum wait, and maximum hold, in timebase ticks. Each hart counts
 * in its own row, so counting adds no shared writes to the locks it
 * measures; the dump sums the rows. In other builds the hooks compile to
 * nothing.
 */
#ifndef SYNC_LOCKSTAT_H
#define SYNC_LOCKSTAT_H

#include <stdbool.h>
#include <stdint.h>

struct lock;

#ifdef PROFILE
#include <arch/cpu.h>

/* When an acquisition starts waiting. */
static inline uint64_t lockstat_now(void) { return cpu_time(); }
/* l was just taken after waiting since start; contended if the first try failed. */
void lockstat_acquired(const struct lock *l, uint64_t start, bool contended);
/* l is about to be released: counts how long it was held. */
void lockstat_release(const struct lock *l);
/* Zeroes this hart's counts: each hart starts its own measurement. */
void lockstat_reset_hart(void);
void lockstat_dump(void);
#else
static inline uint64_t lockstat_now(void) { return 0; }
static inline void lockstat_acquired(const struct lock *l, uint64_t start, bool contended)
{
    (void)l;
    (void)start;
    (void)contended;
}
static inline void lockstat_release(const struct lock *l) { (void)l; }
#endif

#endif

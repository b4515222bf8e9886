/*
 * Lock statistics for `make profile` (PROFILE=1 builds only): per lock
 * class (a rank, or the big kernel lock), acquisitions, contended
 * acquisitions, total and maximum wait, and maximum hold, in timebase
 * ticks. Each hart counts in its own row, so counting adds no shared
 * writes to the locks it measures; the dump sums the rows.
 */
#ifndef SYNC_LOCKSTAT_H
#define SYNC_LOCKSTAT_H

#ifdef PROFILE
#include <stdbool.h>
#include <stdint.h>
#include <ck_spinlock.h>
#include <sync/lock.h>

/* Takes sl, counting the wait against rank's class; returns when it got it. */
uint64_t lockstat_acquire(ck_spinlock_fas_t *sl, enum lock_rank rank);
/* Counts a hold that began at since; call before the release. */
void lockstat_release(enum lock_rank rank, uint64_t since);
/* Zeroes this hart's counts: each hart starts its own measurement. */
void lockstat_reset_hart(void);
void lockstat_dump(void);
#endif

#endif

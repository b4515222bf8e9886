/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * This hart's event counters, for `make profile` (PROFILE=1 builds): on
 * RISC-V the SBI PMU extension, which maps an event to a hardware counter
 * or counts it in the firmware. Which events exist depends on the
 * platform; an event it cannot count fails to start.
 */
#ifndef ARCH_PMU_H
#define ARCH_PMU_H

#include <stdint.h>

int arch_pmu_events(void);
const char *arch_pmu_event_name(int e);
/* Starts counting event e from zero; the counter, or a negative firmware error. */
long arch_pmu_start(int e);
/* Reads counter ctr, then stops and releases it. */
uint64_t arch_pmu_stop(long ctr);

#endif

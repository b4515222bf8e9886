/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The profiler behind `make profile` (PROFILE=1 builds): program-counter
 * samples at every hart's timer tick, lock statistics (sync/lockstat.h)
 * and event counters (arch/pmu.h), started, stopped and printed through
 * the profile syscall. In other builds the hooks compile to nothing and
 * the syscall answers E_NOSYS.
 */
#ifndef DEBUG_PROFILE_H
#define DEBUG_PROFILE_H

#include <stdint.h>
#include <stdbool.h>

struct trapframe;

/* The profile syscall's operation (PROFILE_START, _STOP, _DUMP); E_NOSYS in other builds. */
long profile_control(uint64_t op);

#ifdef PROFILE
void profile_tick(const struct trapframe *tf, bool from_user);
void profile_kernel_exit(uintptr_t site);
#else
static inline void profile_tick(const struct trapframe *tf, bool from_user)
{
    (void)tf;
    (void)from_user;
}
static inline void profile_kernel_exit(uintptr_t site) { (void)site; }
#endif

#endif

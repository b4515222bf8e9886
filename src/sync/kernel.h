/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's boundary as the locks see it. kernel_enter() is called at
 * every entry point: a trap from user mode (sys/entry.c), the migration
 * path (trap.S's ipc_entry, or ipc_fast), an interrupt taken in the idle loop, the idle
 * loop's wake-up, and each hart's boot. kernel_depart() is the last step
 * of every way out, and the only place the big lock is released.
 */
#ifndef SYNC_KERNEL_H
#define SYNC_KERNEL_H

#include <stdint.h>
#include <sync/bkl.h>
#include <sync/lock.h>
#include <debug/profile.h>

/*
 * No lock may be held across the exit; a timer tick that fell inside
 * the kernel path is named after `site` (the path's handler); then the
 * big lock goes (bkl build only).
 */
static inline __attribute__((always_inline)) void kernel_depart(uintptr_t site)
{
    lock_assert_none_held();
    profile_kernel_exit(site);
    kernel_exit();
}

#endif

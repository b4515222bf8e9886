/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rights a process holds. A child gets at most its parent's set; a process
 * may drop rights but never regain them.
 */
#ifndef MIGRANT_RIGHTS_H
#define MIGRANT_RIGHTS_H

#define R_SPAWN   (1u << 0)  /* spawn, fork */
#define R_KILL    (1u << 1)  /* kill a process that is not one's own child */
#define R_POWER   (1u << 2)  /* poweroff */
#define R_IRQ     (1u << 3)  /* register a PLIC interrupt */
#define R_DEVMEM  (1u << 4)  /* map device MMIO */
#define R_SHM     (1u << 5)  /* create shared memory regions */
#define R_NOTIFY  (1u << 6)  /* signal another process */
#define R_HOLD    (1u << 7)  /* hold a hart's interrupts off, or keep it in the kernel (SYS_HOLD) */

#define R_ALL     (R_SPAWN | R_KILL | R_POWER | R_IRQ | R_DEVMEM | R_SHM | R_NOTIFY | R_HOLD)

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Epoch-based reclamation for objects that lock-free lookups may still be
 * reading: ck_epoch with one record per hart. A hart reads a lookup table
 * only between epoch_enter and epoch_exit and never blocks in between;
 * objects removed from a table are freed through epoch_defer once every
 * hart has left the sections that could have seen them.
 */
#ifndef SYNC_EPOCH_H
#define SYNC_EPOCH_H

#include <ck_epoch.h>
#include <base/hart.h>

void epoch_init(void);
void epoch_register_hart(void);

/* Inline: every migration brackets its pid lookup with these. */
static inline void epoch_enter(void)
{
    ck_epoch_begin(&hart_self()->epoch, NULL);
}

static inline void epoch_exit(void)
{
    ck_epoch_end(&hart_self()->epoch, NULL);
}

void epoch_defer(ck_epoch_entry_t *e, ck_epoch_cb_t *cb);
void epoch_poll(void);
long epoch_pending(void);

#endif

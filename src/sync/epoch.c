/* SPDX-License-Identifier: BSD-2-Clause */
#include <sync/epoch.h>
#include <base/hart.h>

/* Read by every epoch section, written only when the epoch moves: alone on its line. */
static struct {
    ck_epoch_t e;
} __attribute__((aligned(64))) global;

void epoch_init(void)
{
    ck_epoch_init(&global.e);
}

void epoch_register_hart(void)
{
    ck_epoch_register(&global.e, &hart_self()->epoch, NULL);
}

void epoch_defer(ck_epoch_entry_t *e, ck_epoch_cb_t *cb)
{
    ck_epoch_call(&hart_self()->epoch, e, cb);
}

/*
 * Frees still waiting for a grace period, on every hart: what `stats`
 * reports so a test can tell a finished teardown from one whose memory is
 * merely not back yet. Each record's count is written only by its own hart.
 */
long epoch_pending(void)
{
    long n = 0;
    for (int i = 0; i < nharts; i++)
        n += ck_pr_load_uint(&harts[i].epoch.n_pending);
    return n;
}

/*
 * Runs this hart's callbacks whose grace period has passed; called every
 * tick and in the idle loop. A hart with nothing deferred skips the poll:
 * polling reads every other hart's record (a line each hart writes on
 * every epoch section, so every migration) and may CAS the global epoch,
 * a cost per tick that grew with the hart count (docs/coherence.md). The
 * harts that have frees waiting still poll, and their polls alone advance
 * the epoch as far as their own frees need.
 */
void epoch_poll(void)
{
    ck_epoch_record_t *r = &hart_self()->epoch;
    if (ck_pr_load_uint(&r->n_pending) == 0)
        return;
    ck_epoch_poll(r);
}

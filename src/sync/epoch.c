#include <sync/epoch.h>
#include <sync/hart.h>

static ck_epoch_t global_epoch;

void epoch_init(void)
{
    ck_epoch_init(&global_epoch);
}

void epoch_register_hart(void)
{
    ck_epoch_register(&global_epoch, &hart_self()->epoch, NULL);
}

void epoch_defer(ck_epoch_entry_t *e, ck_epoch_cb_t *cb)
{
    ck_epoch_call(&hart_self()->epoch, e, cb);
}

/* Runs this hart's callbacks whose grace period has passed; called every tick. */
void epoch_poll(void)
{
    ck_epoch_poll(&hart_self()->epoch);
}

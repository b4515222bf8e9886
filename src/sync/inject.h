/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fault injection for the stress fuzzer (make INJECT=1, the default for
 * `make stress`): a random short delay right after a lock is released and
 * at migration entry and exit, so that another hart more often runs in
 * the windows between them. Without INJECT it compiles to nothing.
 */
#ifndef SYNC_INJECT_H
#define SYNC_INJECT_H

#ifdef INJECT
void inject_delay(void);
#else
static inline void inject_delay(void) {}
#endif

#endif

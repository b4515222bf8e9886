/* SPDX-License-Identifier: BSD-2-Clause */
#include <sync/lock.h>

#ifdef LOCK_NAMED
const char *const lock_class_name[LOCK_NCLASSES] = {
#define LOCK_CLASS(id, name, rank, protects) [LC_##id] = (name),
#include <sync/lockclass.h>
#undef LOCK_CLASS
};
#endif

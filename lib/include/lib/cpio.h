/* SPDX-License-Identifier: BSD-2-Clause */
/* Finds files in a cpio "newc" archive (the initrd). Pure; host-tested. */
#ifndef LIB_CPIO_H
#define LIB_CPIO_H

#include <stddef.h>

int cpio_find(const void *archive, size_t size, const char *name, size_t namelen,
              const void **data, size_t *len);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Checks an rv64 ELF executable before anything is loaded: every segment
 * lies inside the file and inside the program window of user space. Pure;
 * host-tested.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGS 8

struct elf_seg {
    uint64_t vaddr, memsz, offset, filesz;
    unsigned prot;               /* PROT_R/W/X values from arch/mmu.h */
};

struct elf_image {
    uint64_t entry;
    int nsegs;
    struct elf_seg seg[ELF_MAX_SEGS];
};

int elf_parse(const void *file, size_t size, uint64_t lo, uint64_t hi, struct elf_image *out);

#endif

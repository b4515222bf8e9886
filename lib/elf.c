/* SPDX-License-Identifier: BSD-2-Clause */
#include <lib/elf.h>
#include <migrant/errno.h>
#include <stdbool.h>
#include <string.h>

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define EM_RISCV 243
#define ET_EXEC 2

/* Same values as arch/mmu.h; restated so this file builds on the host too. */
#define P_R 1u
#define P_W 2u
#define P_X 4u

struct ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static int check_seg(const struct phdr *ph, size_t size, uint64_t lo, uint64_t hi)
{
    if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset)
        return E_BADELF;
    if (ph->vaddr < lo || ph->vaddr >= hi || ph->memsz > hi - ph->vaddr)
        return E_BADELF;
    return 0;
}

int elf_parse(const void *file, size_t size, uint64_t lo, uint64_t hi, struct elf_image *out)
{
    struct ehdr eh;
    if (size < sizeof(eh))
        return E_BADELF;
    memcpy(&eh, file, sizeof(eh));
    if (memcmp(eh.ident, "\177ELF", 4) != 0 || eh.ident[4] != 2 /* 64-bit */ ||
        eh.ident[5] != 1 /* little endian */ || eh.type != ET_EXEC || eh.machine != EM_RISCV ||
        eh.phentsize != sizeof(struct phdr) || eh.phoff > size ||
        (uint64_t)eh.phnum * sizeof(struct phdr) > size - eh.phoff)
        return E_BADELF;
    out->entry = eh.entry;
    out->nsegs = 0;
    bool entry_ok = false;
    for (unsigned i = 0; i < eh.phnum; i++) {
        struct phdr ph;
        memcpy(&ph, (const char *)file + eh.phoff + i * sizeof(ph), sizeof(ph));
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (out->nsegs == ELF_MAX_SEGS || check_seg(&ph, size, lo, hi))
            return E_BADELF;
        struct elf_seg *s = &out->seg[out->nsegs++];
        *s = (struct elf_seg){ ph.vaddr, ph.memsz, ph.offset, ph.filesz,
                               ((ph.flags & PF_R) ? P_R : 0) | ((ph.flags & PF_W) ? P_W : 0) |
                               ((ph.flags & PF_X) ? P_X : 0) };
        if ((ph.flags & PF_X) && eh.entry >= ph.vaddr && eh.entry < ph.vaddr + ph.memsz)
            entry_ok = true;
    }
    return entry_ok ? 0 : E_BADELF;
}

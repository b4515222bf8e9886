/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit test for rv64 ELF validation (src/elf.c). Images are written
 * byte by byte at the offsets the ELF64 spec gives (not through elf.c's own
 * structs), into exact-size heap buffers so ASan reports any overread.
 */
#include "../../lib/elf.c"
#include "check.h"

#include <migrant/layout.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The window the kernel loads programs into (src/proc.c). */
#define LO USER_TEXT
#define HI USER_HEAP

/* arch/mmu.h values, which elf.c promises to produce. */
#define PROT_R 1u
#define PROT_W 2u
#define PROT_X 4u

#define PT_NULL_ 0
#define PT_LOAD_ 1
#define PT_DYNAMIC_ 2
#define PT_NOTE_ 4
#define PT_PHDR_ 6
#define PT_GNU_STACK_ 0x6474e551u
#define PT_RISCV_ATTRIBUTES_ 0x70000003u

#define EHDR_SIZE 64
#define PHDR_SIZE 56

struct seg_spec {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

struct image {
    uint8_t *buf;
    size_t size;
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}
static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* Field offsets in the ELF64 header and program header. */
enum {
    E_TYPE = 16, E_MACHINE = 18, E_VERSION = 20, E_ENTRY = 24, E_PHOFF = 32, E_SHOFF = 40,
    E_FLAGS = 48, E_EHSIZE = 52, E_PHENTSIZE = 54, E_PHNUM = 56, E_SHENTSIZE = 58,
    E_SHNUM = 60, E_SHSTRNDX = 62,
};
enum { P_TYPE = 0, P_FLAGS = 4, P_OFFSET = 8, P_VADDR = 16, P_PADDR = 24, P_FILESZ = 32,
       P_MEMSZ = 40, P_ALIGN = 48 };

/*
 * Writes an image of `size` bytes: the header, `n` program headers at phoff,
 * and a recognisable fill elsewhere.
 */
static struct image build(size_t size, uint64_t entry, uint64_t phoff, const struct seg_spec *s,
                          unsigned n)
{
    struct image im = { malloc(size ? size : 1), size };
    uint8_t *b = im.buf;
    for (size_t i = 0; i < size; i++)
        b[i] = (uint8_t)(i * 7 + 3);
    CHECK(size >= EHDR_SIZE);
    memset(b, 0, EHDR_SIZE);
    memcpy(b, "\177ELF", 4);
    b[4] = 2;                    /* ELFCLASS64 */
    b[5] = 1;                    /* ELFDATA2LSB */
    b[6] = 1;                    /* EV_CURRENT */
    b[7] = 0;                    /* ELFOSABI_SYSV */
    put16(b + E_TYPE, 2);        /* ET_EXEC */
    put16(b + E_MACHINE, 243);   /* EM_RISCV */
    put32(b + E_VERSION, 1);
    put64(b + E_ENTRY, entry);
    put64(b + E_PHOFF, phoff);
    put64(b + E_SHOFF, 0);
    put32(b + E_FLAGS, 0x5);     /* RVC, double-float ABI */
    put16(b + E_EHSIZE, EHDR_SIZE);
    put16(b + E_PHENTSIZE, PHDR_SIZE);
    put16(b + E_PHNUM, (uint16_t)n);
    put16(b + E_SHENTSIZE, 64);
    put16(b + E_SHNUM, 0);
    put16(b + E_SHSTRNDX, 0);
    for (unsigned i = 0; i < n; i++) {
        CHECK(phoff + (uint64_t)(i + 1) * PHDR_SIZE <= size);
        uint8_t *p = b + phoff + i * PHDR_SIZE;
        put32(p + P_TYPE, s[i].type);
        put32(p + P_FLAGS, s[i].flags);
        put64(p + P_OFFSET, s[i].offset);
        put64(p + P_VADDR, s[i].vaddr);
        put64(p + P_PADDR, s[i].vaddr);
        put64(p + P_FILESZ, s[i].filesz);
        put64(p + P_MEMSZ, s[i].memsz);
        put64(p + P_ALIGN, s[i].align);
    }
    return im;
}

static uint8_t *phdr_at(struct image *im, unsigned i) { return im->buf + EHDR_SIZE + i * PHDR_SIZE; }

static int parse(const struct image *im, struct elf_image *out)
{
    memset(out, 0xcc, sizeof(*out));
    return elf_parse(im->buf, im->size, LO, HI, out);
}

/* A typical static program: text RX, rodata R, data+bss RW, plus non-LOAD noise. */
#define TEXT_VA   0x10000ull
#define RO_VA     0x11000ull
#define DATA_VA   0x12000ull
#define FILE_SIZE 0x1400ull
#define DATA_END  0xb00ull       /* last file byte any LOAD segment needs */

static const struct seg_spec typical[] = {
    { PT_RISCV_ATTRIBUTES_, PF_R, 0x13f0, 0, 0x10, 0, 1 },
    { PT_LOAD_, PF_R | PF_X, 0x0, TEXT_VA, 0x800, 0x800, 0x1000 },
    { PT_LOAD_, PF_R, 0x800, RO_VA, 0x200, 0x200, 0x1000 },
    { PT_LOAD_, PF_R | PF_W, 0xa00, DATA_VA, 0x100, 0x3000, 0x1000 },
    { PT_GNU_STACK_, PF_R | PF_W, 0, 0, 0, 0, 16 },
    { PT_NOTE_, PF_R, 0xffffffffffff0000ull, 0x1, 0x100000, 0x100000, 4 },  /* bogus, ignored */
};
#define NTYPICAL ((unsigned)(sizeof(typical) / sizeof(typical[0])))
#define ENTRY (TEXT_VA + 0x100)

static struct image typical_image(void)
{
    return build(FILE_SIZE, ENTRY, EHDR_SIZE, typical, NTYPICAL);
}

static void test_valid(void)
{
    struct image im = typical_image();
    struct elf_image out;
    CHECK_EQ(parse(&im, &out), 0);
    CHECK_EQX(out.entry, ENTRY);
    CHECK_EQ(out.nsegs, 3);
    CHECK_EQX(out.seg[0].vaddr, TEXT_VA);
    CHECK_EQX(out.seg[0].memsz, 0x800);
    CHECK_EQX(out.seg[0].offset, 0);
    CHECK_EQX(out.seg[0].filesz, 0x800);
    CHECK_EQ(out.seg[0].prot, PROT_R | PROT_X);
    CHECK_EQX(out.seg[1].vaddr, RO_VA);
    CHECK_EQX(out.seg[1].offset, 0x800);
    CHECK_EQ(out.seg[1].prot, PROT_R);
    CHECK_EQX(out.seg[2].vaddr, DATA_VA);
    CHECK_EQX(out.seg[2].memsz, 0x3000);
    CHECK_EQX(out.seg[2].offset, 0xa00);
    CHECK_EQX(out.seg[2].filesz, 0x100);
    CHECK_EQ(out.seg[2].prot, PROT_R | PROT_W);
    free(im.buf);

    /* Each ELF flag maps to its own prot bit (PF_X=1 is PROT_X=4, and so on). */
    static const struct { uint32_t pf; unsigned prot; } map[] = {
        { 0, 0 }, { PF_X, PROT_X }, { PF_W, PROT_W }, { PF_R, PROT_R },
        { PF_R | PF_W | PF_X, PROT_R | PROT_W | PROT_X }, { PF_W | PF_X, PROT_W | PROT_X },
        { 0xff0 | PF_R, PROT_R },   /* OS/processor-specific bits do not leak through */
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        struct seg_spec s[2] = {
            { PT_LOAD_, PF_R | PF_X, 0, TEXT_VA, 0x100, 0x100, 0x1000 },
            { PT_LOAD_, map[i].pf, 0x100, RO_VA, 0x10, 0x10, 0x1000 },
        };
        im = build(0x200, TEXT_VA, EHDR_SIZE, s, 2);
        CHECK_EQ(parse(&im, &out), 0);
        CHECK_EQ(out.nsegs, 2);
        CHECK_EQ(out.seg[1].prot, map[i].prot);
        free(im.buf);
    }

    /* Program headers need no particular alignment in the file or in memory. */
    struct seg_spec s1 = { PT_LOAD_, PF_R | PF_X, 0, TEXT_VA, 0x200, 0x200, 0x1000 };
    im = build(0x200, TEXT_VA, 0x43, &s1, 1);      /* phoff odd */
    CHECK_EQ(parse(&im, &out), 0);
    CHECK_EQ(out.nsegs, 1);
    uint8_t *mis = malloc(im.size + 1);            /* the whole file at an odd address */
    memcpy(mis + 1, im.buf, im.size);
    memset(&out, 0, sizeof(out));
    CHECK_EQ(elf_parse(mis + 1, im.size, LO, HI, &out), 0);
    CHECK_EQX(out.entry, TEXT_VA);
    free(mis);
    free(im.buf);

    /* The program header table may end exactly at the end of the file. */
    struct seg_spec s2 = { PT_LOAD_, PF_R | PF_X, 0, TEXT_VA, 0x40, 0x40, 0x1000 };
    im = build(0x100 + PHDR_SIZE, TEXT_VA, 0x100, &s2, 1);
    CHECK_EQ(parse(&im, &out), 0);
    free(im.buf);
}

/* Mutates one byte range of the typical image and expects E_BADELF. */
static void expect_bad_header(size_t off, const void *bytes, size_t n)
{
    struct image im = typical_image();
    struct elf_image out;
    memcpy(im.buf + off, bytes, n);
    CHECK_EQ(parse(&im, &out), E_BADELF);
    free(im.buf);
}

static void test_bad_header(void)
{
    struct elf_image out;
    for (int i = 0; i < 4; i++) {
        uint8_t c = (uint8_t)("\177ELF"[i] ^ 0x20);
        expect_bad_header((size_t)i, &c, 1);
    }
    uint8_t v;
    v = 1; expect_bad_header(4, &v, 1);              /* ELFCLASS32 */
    v = 0; expect_bad_header(4, &v, 1);
    v = 3; expect_bad_header(4, &v, 1);
    v = 2; expect_bad_header(5, &v, 1);              /* big endian */
    v = 0; expect_bad_header(5, &v, 1);
    uint8_t le16[2];
    static const uint16_t machines[] = { 0, 3, 62, 183, 242, 244, 243 << 8 };
    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        put16(le16, machines[i]);
        expect_bad_header(E_MACHINE, le16, 2);
    }
    static const uint16_t types[] = { 0, 1, 3, 4, 0x200 };   /* NONE, REL, DYN, CORE, swapped EXEC */
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        put16(le16, types[i]);
        expect_bad_header(E_TYPE, le16, 2);
    }
    static const uint16_t phentsizes[] = { 0, 32, 55, 57, 64 };
    for (size_t i = 0; i < sizeof(phentsizes) / sizeof(phentsizes[0]); i++) {
        put16(le16, phentsizes[i]);
        expect_bad_header(E_PHENTSIZE, le16, 2);
    }

    /* Every size shorter than the header, in an exact-size buffer. */
    struct image full = typical_image();
    for (size_t n = 0; n < EHDR_SIZE; n++) {
        uint8_t *b = malloc(n ? n : 1);
        memcpy(b, full.buf, n);
        CHECK_EQ(elf_parse(b, n, LO, HI, &out), E_BADELF);
        free(b);
    }
    /* Every truncation: fine while the data segment's file bytes remain, else E_BADELF. */
    for (size_t n = EHDR_SIZE; n <= full.size; n++) {
        uint8_t *b = malloc(n);
        memcpy(b, full.buf, n);
        CHECK_EQ(elf_parse(b, n, LO, HI, &out), n >= DATA_END ? 0 : E_BADELF);
        free(b);
    }
    free(full.buf);
}

static void test_phdr_table(void)
{
    struct elf_image out;
    uint8_t le[8];
    static const uint64_t phoffs[] = {
        FILE_SIZE, FILE_SIZE + 1, FILE_SIZE - PHDR_SIZE * NTYPICAL + 1, 0xffffffffffffffffull,
        0x8000000000000000ull, 0xffffffffffffffffull - 0x100,
    };
    for (size_t i = 0; i < sizeof(phoffs) / sizeof(phoffs[0]); i++) {
        put64(le, phoffs[i]);
        expect_bad_header(E_PHOFF, le, 8);
    }
    /* phnum so the table runs one entry past the end, and the maximum. */
    static const uint16_t phnums[] = { (FILE_SIZE - EHDR_SIZE) / PHDR_SIZE + 1, 0xffff };
    for (size_t i = 0; i < sizeof(phnums) / sizeof(phnums[0]); i++) {
        put16(le, phnums[i]);
        expect_bad_header(E_PHNUM, le, 2);
    }
    /* The largest phnum that fits is fine (the extra entries are PT_NULL). */
    struct image im = typical_image();
    put16(im.buf + E_PHNUM, (FILE_SIZE - EHDR_SIZE) / PHDR_SIZE);
    uint8_t *p = phdr_at(&im, NTYPICAL);
    memset(p, 0, im.buf + im.size - p);
    CHECK_EQ(parse(&im, &out), 0);
    CHECK_EQ(out.nsegs, 3);
    free(im.buf);
    /* No program headers at all: no executable segment holds the entry. */
    put16(le, 0);
    expect_bad_header(E_PHNUM, le, 2);
}

/* Builds text + one extra LOAD segment `s` and returns elf_parse's verdict. */
static int parse_with(struct seg_spec s, size_t size, struct elf_image *out)
{
    struct seg_spec segs[2] = {
        { PT_LOAD_, PF_R | PF_X, 0, TEXT_VA, 0x100, 0x100, 0x1000 },
        s,
    };
    struct image im = build(size, TEXT_VA + 4, EHDR_SIZE, segs, 2);
    int r = parse(&im, out);
    free(im.buf);
    return r;
}

static void test_segments(void)
{
    struct elf_image out;
    const size_t size = 0x1000;
    struct seg_spec ok = { PT_LOAD_, PF_R | PF_W, 0x200, 0x20000, 0x100, 0x100, 0x1000 };
    CHECK_EQ(parse_with(ok, size, &out), 0);
    CHECK_EQ(out.nsegs, 2);

    struct seg_spec s;
    /* filesz > memsz. */
    s = ok; s.filesz = 0x101; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    /* offset + filesz one past the end; exactly at the end is fine. */
    s = ok; s.offset = size - 0x100 + 1; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.offset = size - 0x100; CHECK_EQ(parse_with(s, size, &out), 0);
    s = ok; s.offset = size; s.filesz = 0; CHECK_EQ(parse_with(s, size, &out), 0);
    s = ok; s.offset = size + 1; s.filesz = 0; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.filesz = size + 1; s.memsz = size + 1; s.offset = 0;
    CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    /* offset + filesz wrapping around 2^64. */
    s = ok; s.offset = 0xffffffffffffff00ull; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.offset = 0x200; s.filesz = 0xfffffffffffffe80ull; s.memsz = s.filesz;
    CHECK_EQ(parse_with(s, size, &out), E_BADELF);

    /* vaddr window [LO, HI). */
    s = ok; s.vaddr = LO - 1; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.vaddr = 0; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.vaddr = HI; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.vaddr = HI + 0x1000; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.vaddr = 0xffffffffffffff00ull; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.vaddr = HI - 0x100; CHECK_EQ(parse_with(s, size, &out), 0);   /* ends at HI */
    s = ok; s.vaddr = HI - 0xff; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.vaddr = HI - 1; s.memsz = 1; s.filesz = 1; CHECK_EQ(parse_with(s, size, &out), 0);
    s = ok; s.vaddr = HI - 0x1000; s.memsz = HI - LO; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    /* memsz wrapping vaddr + memsz around to a small value. */
    s = ok; s.memsz = 0 - s.vaddr + 0x10; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    s = ok; s.memsz = 0xffffffffffffffffull; CHECK_EQ(parse_with(s, size, &out), E_BADELF);
    /* One segment spanning the whole window is fine. */
    struct seg_spec whole = { PT_LOAD_, PF_R | PF_X, 0, LO, 0x100, HI - LO, 0x1000 };
    struct image im = build(0x100, HI - 1, EHDR_SIZE, &whole, 1);
    CHECK_EQ(parse(&im, &out), 0);
    CHECK_EQX(out.seg[0].vaddr, LO);
    CHECK_EQX(out.seg[0].memsz, HI - LO);
    CHECK_EQX(out.entry, HI - 1);
    free(im.buf);

    /* A LOAD with memsz 0 is skipped entirely, whatever its other fields. */
    s = ok; s.memsz = 0; s.filesz = 0; s.vaddr = 0; s.offset = 0xffffffffffffffffull;
    CHECK_EQ(parse_with(s, size, &out), 0);
    CHECK_EQ(out.nsegs, 1);
    /* Non-LOAD segments with absurd fields are ignored. */
    static const uint32_t others[] = { PT_NULL_, PT_DYNAMIC_, PT_NOTE_, PT_PHDR_, PT_GNU_STACK_,
                                       PT_RISCV_ATTRIBUTES_, 0x60000000, 0xffffffff, 0x100 | PT_LOAD_ };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        s = (struct seg_spec){ others[i], PF_R | PF_W | PF_X, 0xffffffffffffff00ull, 0, 0x1000000,
                               0x10, 0 };
        CHECK_EQ(parse_with(s, size, &out), 0);
        CHECK_EQ(out.nsegs, 1);
    }
}

static void test_entry(void)
{
    struct elf_image out;
    struct seg_spec segs[3] = {
        { PT_LOAD_, PF_R, 0, TEXT_VA, 0x100, 0x100, 0x1000 },            /* R only */
        { PT_LOAD_, PF_R | PF_X, 0x100, 0x20000, 0x100, 0x200, 0x1000 },   /* RX */
        { PT_LOAD_, PF_R | PF_W, 0x200, 0x30000, 0x100, 0x100, 0x1000 },   /* RW */
    };
    static const struct { uint64_t entry; int want; } cases[] = {
        { 0x20000, 0 }, { 0x20004, 0 }, { 0x201ff, 0 },   /* memsz, not filesz, bounds it */
        { 0x20200, E_BADELF }, { 0x1ffff, E_BADELF },
        { TEXT_VA, E_BADELF }, { TEXT_VA + 0x10, E_BADELF },   /* mapped but not X */
        { 0x30000, E_BADELF }, { 0x30010, E_BADELF },
        { 0, E_BADELF }, { 0xffffffffffffffffull, E_BADELF }, { HI, E_BADELF },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct image im = build(0x400, cases[i].entry, EHDR_SIZE, segs, 3);
        CHECK_EQ(parse(&im, &out), cases[i].want);
        if (cases[i].want == 0) {
            CHECK_EQX(out.entry, cases[i].entry);
            CHECK_EQ(out.nsegs, 3);
        }
        free(im.buf);
    }
    /* An executable non-LOAD segment does not make the entry valid. */
    struct seg_spec nl[2] = {
        { PT_LOAD_, PF_R | PF_W, 0, TEXT_VA, 0x100, 0x100, 0x1000 },
        { PT_NOTE_, PF_R | PF_X, 0, TEXT_VA, 0x100, 0x100, 4 },
    };
    struct image im = build(0x200, TEXT_VA, EHDR_SIZE, nl, 2);
    CHECK_EQ(parse(&im, &out), E_BADELF);
    free(im.buf);
}

static void test_max_segs(void)
{
    struct elf_image out;
    struct seg_spec s[3 * (ELF_MAX_SEGS + 2)];
    for (unsigned total = 1; total <= ELF_MAX_SEGS + 2; total++) {
        unsigned n = 0;
        for (unsigned i = 0; i < total; i++) {
            /* Interleave ignored entries; they must not count toward the limit. */
            s[n++] = (struct seg_spec){ PT_NOTE_, PF_R, 0, 0, 0, 0, 4 };
            s[n++] = (struct seg_spec){ PT_LOAD_, PF_R | (i == 0 ? PF_X : PF_W), 0x400 + 0x10 * i,
                                        TEXT_VA + 0x1000 * i, 0x10, 0x100, 0x1000 };
            if (i % 3 == 1)
                s[n++] = (struct seg_spec){ PT_LOAD_, PF_R, 0, 0x500000, 0, 0, 0x1000 };
        }
        CHECK(n <= sizeof(s) / sizeof(s[0]));
        struct image im = build(0x1000, TEXT_VA, EHDR_SIZE, s, n);
        int r = parse(&im, &out);
        if (total <= ELF_MAX_SEGS) {
            CHECK_EQ(r, 0);
            CHECK_EQ(out.nsegs, (int)total);
            for (unsigned i = 0; i < total; i++) {
                CHECK_EQX(out.seg[i].vaddr, TEXT_VA + 0x1000 * i);
                CHECK_EQX(out.seg[i].offset, 0x400 + 0x10 * i);
            }
        } else {
            CHECK_EQ(r, E_BADELF);
        }
        free(im.buf);
    }
}

/* Random byte flips in a valid image: any result is fine, but never a wild read. */
static void test_fuzz(void)
{
    uint64_t x = 0x243f6a8885a308d3ull;
    struct image base = typical_image();
    struct elf_image out;
    int ok = 0;
    for (int iter = 0; iter < 20000; iter++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        /* Sometimes truncated; the buffer is always exactly n bytes. */
        size_t n = base.size - (size_t)((x >> 40) % 3 == 0 ? (x >> 48) % base.size : 0);
        uint8_t *b = malloc(n);
        memcpy(b, base.buf, n);
        int flips = 1 + (int)(x % 4);
        for (int k = 0; k < flips; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            /* Aim at the header and program headers, where the checks live. */
            size_t at = (size_t)(x % (EHDR_SIZE + PHDR_SIZE * NTYPICAL));
            if (at < n)
                b[at] ^= (uint8_t)(1u << ((x >> 32) % 8));
        }
        int r = elf_parse(b, n, LO, HI, &out);
        CHECK(r == 0 || r == E_BADELF);
        if (r == 0) {
            ok++;
            CHECK(out.nsegs >= 1 && out.nsegs <= ELF_MAX_SEGS);
            for (int i = 0; i < out.nsegs; i++) {
                const struct elf_seg *sg = &out.seg[i];
                CHECK(sg->filesz <= sg->memsz && sg->offset <= n && sg->filesz <= n - sg->offset);
                CHECK(sg->vaddr >= LO && sg->vaddr < HI && sg->memsz <= HI - sg->vaddr);
            }
        }
        free(b);
    }
    CHECK(ok > 0);
    free(base.buf);
}

int main(void)
{
    test_valid();
    test_bad_header();
    test_phdr_table();
    test_segments();
    test_entry();
    test_max_segs();
    test_fuzz();
    CHECK_DONE("elf");
}

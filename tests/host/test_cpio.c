/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit test for the cpio "newc" lookup (src/cpio.c). Archives are
 * built in memory here; every buffer handed to cpio_find is malloc'd at
 * its exact size so ASan reports any read past the end.
 */
#include "../../lib/cpio.c"
#include "check.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define MAX_ENT 32

struct ent {
    size_t hdr;                  /* offset of the entry's header */
    size_t name;                 /* offset of its name */
    size_t data;                 /* offset of its data */
    size_t size;                 /* file size */
};

struct ar {
    char *buf;
    size_t len, cap;
    struct ent e[MAX_ENT];
    int n;
};

static void ar_put(struct ar *a, const void *p, size_t n)
{
    if (a->len + n > a->cap) {
        a->cap = (a->len + n) * 2 + 64;
        a->buf = realloc(a->buf, a->cap);
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void ar_pad4(struct ar *a)
{
    while (a->len % 4)
        ar_put(a, "\0", 1);
}

/* Appends one entry: "070701", 13 eight-digit hex fields, name + NUL, pad, data, pad. */
static void ar_entry_raw(struct ar *a, const char *name, size_t namesize, const void *data,
                         size_t dlen, bool upper)
{
    char hdr[111];
    unsigned long f[13] = {
        (unsigned long)a->n + 1,     /* ino */
        0100755,                     /* mode: regular file */
        0, 0, 1,                     /* uid, gid, nlink */
        0x65000000,                  /* mtime */
        dlen,                        /* filesize */
        0, 0, 0, 0,                  /* dev / rdev major, minor */
        namesize,                    /* namesize, including the NUL */
        0,                           /* check */
    };
    int k = snprintf(hdr, sizeof(hdr), "070701");
    for (int i = 0; i < 13; i++)
        k += snprintf(hdr + k, sizeof(hdr) - (size_t)k, upper ? "%08lX" : "%08lx", f[i]);
    CHECK_EQ(k, 110);
    struct ent *e = &a->e[a->n++];
    e->hdr = a->len;
    ar_put(a, hdr, 110);
    e->name = a->len;
    ar_put(a, name, namesize);
    ar_pad4(a);
    e->data = a->len;
    e->size = dlen;
    ar_put(a, data, dlen);
    ar_pad4(a);
}

static void ar_entry(struct ar *a, const char *name, const void *data, size_t dlen)
{
    ar_entry_raw(a, name, strlen(name) + 1, data, dlen, false);
}

static void ar_trailer(struct ar *a) { ar_entry(a, "TRAILER!!!", "", 0); }

/* An exact-size heap copy of the first `len` bytes. */
static char *exact(const struct ar *a, size_t len)
{
    char *p = malloc(len ? len : 1);
    memcpy(p, a->buf, len);
    return p;
}

static int find(const char *ar, size_t size, const char *name, const void **data, size_t *len)
{
    return cpio_find(ar, size, name, strlen(name), data, len);
}

/* Looks `name` up and expects entry `idx` of `a`, found in the exact-size copy `buf`. */
static void expect_found(const struct ar *a, const char *buf, const char *name, int idx)
{
    const void *data = NULL;
    size_t len = 12345;
    CHECK_EQ(find(buf, a->len, name, &data, &len), 0);
    CHECK(data == buf + a->e[idx].data);
    CHECK_EQX(len, a->e[idx].size);
}

static void expect_err(const char *buf, size_t size, const char *name, int err)
{
    const void *data = NULL;
    size_t len = 0;
    CHECK_EQ(find(buf, size, name, &data, &len), err);
}

static const char payload[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* The archive most tests start from. Entry indices are used below. */
static void build_main(struct ar *a)
{
    memset(a, 0, sizeof(*a));
    ar_entry(a, ".", "", 0);                        /* 0: a directory entry, as cpio emits */
    ar_entry(a, "init2", payload, 5);               /* 1: before its prefix */
    ar_entry(a, "init", payload + 10, 9);           /* 2 */
    ar_entry(a, "bin", "", 0);                      /* 3 */
    ar_entry(a, "bin/sh", payload, 1);              /* 4: sizes 1, 2, 3 exercise padding */
    ar_entry(a, "bin/ls", payload + 1, 2);          /* 5 */
    ar_entry(a, "bin/cat", payload + 2, 3);         /* 6 */
    ar_entry(a, "empty", "", 0);                    /* 7 */
    ar_entry(a, "./dotted", payload + 3, 4);        /* 8: stored with "./" */
    ar_entry(a, "/abs", payload + 4, 6);            /* 9: stored with "/" */
    ar_entry(a, "ab", payload + 5, 7);              /* 10: namesize 3 */
    ar_entry(a, "abc", payload + 6, 8);             /* 11: namesize 4, name ends on a word */
    ar_entry(a, "big", payload, sizeof(payload));   /* 12 */
    ar_trailer(a);                                  /* 13 */
    ar_entry(a, "after-trailer", payload, 3);       /* 14: must never be found */
}

static void test_lookup(void)
{
    struct ar a;
    build_main(&a);
    char *buf = exact(&a, a.len);

    expect_found(&a, buf, "init", 2);
    expect_found(&a, buf, "/init", 2);
    expect_found(&a, buf, "./init", 2);
    expect_found(&a, buf, "//init", 2);
    expect_found(&a, buf, "init2", 1);
    expect_found(&a, buf, "/init2", 1);
    expect_found(&a, buf, "bin/sh", 4);
    expect_found(&a, buf, "/bin/sh", 4);
    expect_found(&a, buf, "./bin/ls", 5);
    expect_found(&a, buf, "bin/cat", 6);
    expect_found(&a, buf, "bin", 3);
    expect_found(&a, buf, "empty", 7);
    expect_found(&a, buf, "dotted", 8);
    expect_found(&a, buf, "/dotted", 8);
    expect_found(&a, buf, "./dotted", 8);
    expect_found(&a, buf, "abs", 9);
    expect_found(&a, buf, "/abs", 9);
    expect_found(&a, buf, "./abs", 9);
    expect_found(&a, buf, "ab", 10);
    expect_found(&a, buf, "abc", 11);
    expect_found(&a, buf, "big", 12);

    /* Exact content, not just offsets. */
    const void *data;
    size_t len;
    CHECK_EQ(find(buf, a.len, "init", &data, &len), 0);
    CHECK_EQX(len, 9);
    CHECK(memcmp(data, "abcdefghi", 9) == 0);
    CHECK_EQ(find(buf, a.len, "big", &data, &len), 0);
    CHECK_EQX(len, sizeof(payload));
    CHECK(memcmp(data, payload, sizeof(payload)) == 0);
    CHECK_EQ(find(buf, a.len, "empty", &data, &len), 0);
    CHECK_EQX(len, 0);
    CHECK((const char *)data >= buf && (const char *)data <= buf + a.len);

    /* Prefixes, extensions and other near misses. */
    expect_err(buf, a.len, "ini", E_NOENT);
    expect_err(buf, a.len, "init22", E_NOENT);
    expect_err(buf, a.len, "init ", E_NOENT);
    expect_err(buf, a.len, "Init", E_NOENT);
    expect_err(buf, a.len, "a", E_NOENT);
    expect_err(buf, a.len, "abcd", E_NOENT);
    expect_err(buf, a.len, "sh", E_NOENT);
    expect_err(buf, a.len, "bin/", E_NOENT);
    expect_err(buf, a.len, "bin/s", E_NOENT);
    expect_err(buf, a.len, "bin/sh2", E_NOENT);
    expect_err(buf, a.len, "missing", E_NOENT);
    expect_err(buf, a.len, "TRAILER!!!", E_NOENT);
    expect_err(buf, a.len, "after-trailer", E_NOENT);
    expect_err(buf, a.len, "../init", E_NOENT);
    expect_err(buf, a.len, "././init", E_NOENT);

    /* namelen rules, not strlen: "init2" limited to 4 is "init"; the name needs no NUL. */
    CHECK_EQ(cpio_find(buf, a.len, "init2", 4, &data, &len), 0);
    CHECK(data == buf + a.e[2].data);
    char *unterminated = malloc(6);
    memcpy(unterminated, "/init2", 6);
    CHECK_EQ(cpio_find(buf, a.len, unterminated, 6, &data, &len), 0);
    CHECK(data == buf + a.e[1].data);
    CHECK_EQ(cpio_find(buf, a.len, unterminated, 5, &data, &len), 0);
    CHECK(data == buf + a.e[2].data);
    free(unterminated);

    /* The lookup also works from an archive whose size has trailing zero padding. */
    struct ar padded = a;
    padded.buf = NULL;
    padded.cap = 0;
    padded.len = 0;
    ar_put(&padded, a.buf, a.len);
    static const char zeros[512];
    ar_put(&padded, zeros, sizeof(zeros) - a.len % 512);
    char *pbuf = exact(&padded, padded.len);
    CHECK_EQ(find(pbuf, padded.len, "big", &data, &len), 0);
    CHECK(data == pbuf + a.e[12].data);
    expect_err(pbuf, padded.len, "nothing", E_NOENT);
    free(pbuf);
    free(padded.buf);

    free(buf);
    free(a.buf);
}

static void test_upper_hex(void)
{
    struct ar a = { 0 };
    static char blob[0x3b];
    memset(blob, 'x', sizeof(blob));
    ar_entry_raw(&a, "up", 3, blob, sizeof(blob), true);   /* "0000003B" */
    ar_trailer(&a);
    char *buf = exact(&a, a.len);
    expect_found(&a, buf, "up", 0);
    free(buf);
    free(a.buf);
}

static void test_empty_and_tiny(void)
{
    char *one = malloc(1);
    one[0] = '0';
    expect_err(one, 0, "init", E_NOENT);
    expect_err(one, 1, "init", E_NOENT);
    free(one);

    struct ar a = { 0 };
    ar_trailer(&a);
    char *buf = exact(&a, a.len);
    expect_err(buf, a.len, "init", E_NOENT);
    expect_err(buf, a.len, "", E_NOENT);
    free(buf);
    free(a.buf);

    /* No trailer at all: entries present are found, others are simply absent. */
    struct ar b = { 0 };
    ar_entry(&b, "only", payload, 4);
    buf = exact(&b, b.len);
    expect_found(&b, buf, "only", 0);
    expect_err(buf, b.len, "other", E_NOENT);
    free(buf);
    free(b.buf);
}

/* Overwrites an 8-digit hex field of entry `idx`: field 6 is filesize, 11 namesize. */
static void set_field(char *buf, const struct ar *a, int idx, int field, const char *v8)
{
    memcpy(buf + a->e[idx].hdr + 6 + 8 * field, v8, 8);
}

static void test_corrupt(void)
{
    struct ar a;
    build_main(&a);
    char *buf;
    const void *data;
    size_t len;

    /* Bad magic, in the first entry and in a later one. */
    static const char *magics[] = { "070702", "070707", "070700", "170701", "07070", "      " };
    for (size_t m = 0; m < sizeof(magics) / sizeof(magics[0]); m++) {
        for (int idx = 0; idx <= 4; idx += 4) {
            buf = exact(&a, a.len);
            memcpy(buf + a.e[idx].hdr, magics[m], strlen(magics[m]) > 6 ? 6 : strlen(magics[m]));
            if (strlen(magics[m]) < 6)
                buf[a.e[idx].hdr + 5] = 'x';
            expect_err(buf, a.len, "big", E_BADELF);
            expect_err(buf, a.len, "missing", E_BADELF);
            if (idx == 4)
                expect_found(&a, buf, "init", 2);   /* found before the damage */
            free(buf);
        }
    }

    /* Bad hex digits in filesize and namesize, at every position. */
    static const char bad[] = { 'g', 'G', ' ', 'x', '-', '\0', ':', '/', '@', '`' };
    for (int field = 6; field <= 11; field += 5) {
        for (int pos = 0; pos < 8; pos++) {
            for (size_t c = 0; c < sizeof(bad); c++) {
                buf = exact(&a, a.len);
                buf[a.e[4].hdr + 6 + 8 * field + pos] = bad[c];
                expect_err(buf, a.len, "big", E_BADELF);
                expect_found(&a, buf, "init", 2);
                free(buf);
            }
        }
    }

    /* namesize 0. */
    buf = exact(&a, a.len);
    set_field(buf, &a, 4, 11, "00000000");
    expect_err(buf, a.len, "big", E_BADELF);
    free(buf);

    /* namesize 0 where the data offset would not move ("a" has namesize 2). */
    struct ar z = { 0 };
    ar_entry(&z, "a", payload, 4);
    ar_entry(&z, "b", payload, 4);
    ar_trailer(&z);
    buf = exact(&z, z.len);
    expect_found(&z, buf, "b", 1);
    set_field(buf, &z, 0, 11, "00000000");
    expect_err(buf, z.len, "b", E_BADELF);
    expect_err(buf, z.len, "", E_BADELF);
    free(buf);
    free(z.buf);

    /*
     * Non-hex digits that a sloppy range check would read as a value that
     * makes the archive consistent again: 'G'/'g' as 16, ':' as 10, '@'/'`' as 9.
     */
    static const struct { char c; size_t as; } near[] = {
        { 'G', 16 }, { 'g', 16 }, { ':', 10 }, { '@', 9 }, { '`', 9 },
    };
    for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
        struct ar h = { 0 };
        ar_entry(&h, "t", payload, near[i].as);
        ar_trailer(&h);
        buf = exact(&h, h.len);
        expect_found(&h, buf, "t", 0);
        char field[9] = "0000000?";
        field[7] = near[i].c;
        set_field(buf, &h, 0, 6, field);
        expect_err(buf, h.len, "t", E_BADELF);
        expect_err(buf, h.len, "missing", E_BADELF);
        free(buf);
        free(h.buf);
    }

    /* namesize past the end: huge, and one byte more than what remains. */
    int last = a.n - 1;
    char v8[9];
    static const unsigned long nsizes[] = { 0xffffffffUL, 0x80000000UL, 0 };
    for (int i = 0; i < 3; i++) {
        for (int idx = 4; idx <= last; idx += last - 4) {
            size_t room = a.len - a.e[idx].hdr - 110;
            snprintf(v8, sizeof(v8), "%08x", (uint32_t)(nsizes[i] ? nsizes[i] : room + 1));
            buf = exact(&a, a.len);
            set_field(buf, &a, idx, 11, v8);
            if (idx == last) {
                /* The last entry is past the trailer: a corrupt one is never read. */
                expect_err(buf, a.len, "missing", E_NOENT);
                expect_err(buf, a.len - (a.len - a.e[last].hdr), "missing", E_NOENT);
            } else {
                expect_err(buf, a.len, "missing", E_BADELF);
            }
            free(buf);
        }
    }

    /* filesize past the end: huge, and one more than what remains after the name. */
    struct ar t = { 0 };
    ar_entry(&t, "first", payload, 3);
    ar_entry(&t, "tail", payload, 8);               /* ends the archive: no trailer */
    size_t tail_room = t.len - t.e[1].data;
    CHECK_EQX(tail_room, 8);
    static const unsigned long fsizes[] = { 0xffffffffUL, 0x7fffffffUL, 9, 0 };
    for (int i = 0; i < 4; i++) {
        buf = exact(&t, t.len);
        snprintf(v8, sizeof(v8), "%08x", (uint32_t)(fsizes[i] ? fsizes[i] : tail_room));
        set_field(buf, &t, 1, 6, v8);
        if (fsizes[i]) {
            expect_err(buf, t.len, "tail", E_BADELF);
            expect_err(buf, t.len, "missing", E_BADELF);
        } else {
            CHECK_EQ(find(buf, t.len, "tail", &data, &len), 0);
            CHECK(data == buf + t.e[1].data);
            CHECK_EQX(len, 8);
        }
        expect_found(&t, buf, "first", 0);
        free(buf);
    }
    free(t.buf);

    /* A huge filesize on an early entry must not wrap the next offset around. */
    static const char *wraps[] = { "ffffffff", "fffffffc", "fffffff0" };
    for (int i = 0; i < 3; i++) {
        buf = exact(&a, a.len);
        set_field(buf, &a, 1, 6, wraps[i]);
        expect_err(buf, a.len, "init", E_BADELF);
        free(buf);
    }
    free(a.buf);
}

/*
 * Every truncation of the archive: a lookup either finds the target intact
 * or fails, and a cut through any name or data region before (or of) the
 * target is E_BADELF. A cut inside a header reads as the end of the archive.
 */
static void test_truncation(void)
{
    struct ar a;
    build_main(&a);
    static const int targets[] = { 2, 4, 7, 12 };
    for (size_t ti = 0; ti < sizeof(targets) / sizeof(targets[0]); ti++) {
        int target = targets[ti];
        const char *tname = a.buf + a.e[target].name;
        for (size_t cut = 0; cut <= a.len; cut++) {
            char *buf = exact(&a, cut);
            const void *data = NULL;
            size_t len = 0;
            int r = find(buf, cut, tname, &data, &len);
            int want = 0;
            bool header_cut = false;
            for (int i = 0; i <= target; i++) {
                const struct ent *e = &a.e[i];
                if (cut < e->hdr + 110) {
                    header_cut = true;
                    break;
                }
                if (cut < e->data + e->size) {
                    want = E_BADELF;
                    break;
                }
            }
            if (header_cut)
                CHECK(r == E_NOENT || r == E_BADELF);
            else
                CHECK_EQ(r, want);
            if (r == 0) {
                CHECK(data == buf + a.e[target].data);
                CHECK_EQX(len, a.e[target].size);
                CHECK((const char *)data + len <= buf + cut);
            }
            free(buf);
        }
    }
    free(a.buf);
}

int main(void)
{
    test_lookup();
    test_upper_hex();
    test_empty_and_tiny();
    test_corrupt();
    test_truncation();
    CHECK_DONE("cpio");
}

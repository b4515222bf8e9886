/* SPDX-License-Identifier: BSD-2-Clause */
/* The freestanding string functions the kernel, ck and user programs share. */
#include <string.h>
#include <stdint.h>

/*
 * Without -fno-builtin (a host build of this file, say), GCC turns loops
 * that look like memset, memcpy or strlen into calls to those functions,
 * which inside their own definitions recurse forever. Switch the pattern
 * matcher off for them so the file is right under any flags.
 */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* A word that may alias anything, for the word-at-a-time loops below. */
typedef uint64_t __attribute__((may_alias)) word_t;

/*
 * Word at a time once both pointers are aligned (when they can both be):
 * zeroing and copying pages is most of what creating a thread, loading a
 * program or forking costs, and a byte loop is eight times the work.
 */
NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        for (; n && ((uintptr_t)d & 7); n--)
            *d++ = *s++;
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(word_t *)d = *(const word_t *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* Copy away from the overlap: forward when dst is below src. */
    if ((uintptr_t)d <= (uintptr_t)s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    word_t w = 0x0101010101010101ull * (unsigned char)c;

    for (; n && ((uintptr_t)d & 7); n--)
        *d++ = (unsigned char)c;
    /* Eight words a step: a page (the kernel's zeroing) takes 640 instructions, not 2,048. */
    for (; n >= 64; n -= 64, d += 64) {
        word_t *q = (word_t *)d;
        q[0] = w;
        q[1] = w;
        q[2] = w;
        q[3] = w;
        q[4] = w;
        q[5] = w;
        q[6] = w;
        q[7] = w;
    }
    for (; n >= 8; n -= 8, d += 8)
        *(word_t *)d = w;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

NO_LIBCALL size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* Both compare as unsigned char, as the C standard requires. */
int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    /* The terminator counts as part of the string, so strchr(s, 0) works. */
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

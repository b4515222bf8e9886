/* SPDX-License-Identifier: BSD-2-Clause */
#include <lib/cpio.h>
#include <migrant/errno.h>
#include <string.h>

#define HDR_LEN 110

static int hex8(const char *p, size_t *out)
{
    size_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | (size_t)d;
    }
    *out = v;
    return 0;
}

static size_t align4(size_t x) { return (x + 3) & ~(size_t)3; }

/* Strips a leading "/" or "./" so "/init", "./init" and "init" all match. */
static void strip_prefix(const char **name, size_t *len)
{
    if (*len >= 2 && (*name)[0] == '.' && (*name)[1] == '/') {
        *name += 2;
        *len -= 2;
    }
    while (*len && **name == '/') {
        (*name)++;
        (*len)--;
    }
}

int cpio_find(const void *archive, size_t size, const char *name, size_t namelen,
              const void **data, size_t *len)
{
    const char *a = archive;
    size_t off = 0;
    strip_prefix(&name, &namelen);
    while (off + HDR_LEN <= size) {
        size_t fsize, nsize;
        if (memcmp(a + off, "070701", 6) != 0 || hex8(a + off + 54, &fsize) ||
            hex8(a + off + 94, &nsize) || nsize == 0 || nsize > size - off - HDR_LEN)
            return E_BADELF;
        const char *ename = a + off + HDR_LEN;
        size_t dstart = align4(off + HDR_LEN + nsize);
        if (dstart > size || fsize > size - dstart)
            return E_BADELF;
        size_t elen = nsize - 1;
        if (elen == 10 && memcmp(ename, "TRAILER!!!", 10) == 0)
            break;
        strip_prefix(&ename, &elen);
        if (elen == namelen && memcmp(ename, name, namelen) == 0) {
            *data = a + dstart;
            *len = fsize;
            return 0;
        }
        off = align4(dstart + fsize);
    }
    return E_NOENT;
}

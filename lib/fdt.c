/* SPDX-License-Identifier: BSD-2-Clause */
#include <lib/fdt.h>
#include <string.h>

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define FDT_MAX_DEPTH  16

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_read_cells(const void *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++)
        v = v << 32 | be32((const uint8_t *)p + 4 * i);
    return v;
}

uint32_t fdt_blob_size(const void *blob)
{
    if (be32(blob) != FDT_MAGIC)
        return 0;
    return be32((const uint8_t *)blob + 4);
}

int fdt_open(struct fdt *f, const void *blob, size_t max_size)
{
    const uint8_t *b = blob;
    if (max_size < 40 || be32(b) != FDT_MAGIC)
        return -1;
    uint32_t total = be32(b + 4), off_struct = be32(b + 8), off_strings = be32(b + 12);
    uint32_t off_rsv = be32(b + 16), version = be32(b + 20);
    uint32_t size_strings = be32(b + 32), size_struct = be32(b + 36);
    if (total > max_size || version < 17)
        return -1;
    if (off_struct > total || size_struct > total - off_struct ||
        off_strings > total || size_strings > total - off_strings || off_rsv > total)
        return -1;
    f->blob = b;
    f->size = total;
    f->structs = b + off_struct;
    f->structs_size = size_struct;
    f->strings = (const char *)b + off_strings;
    f->strings_size = size_strings;
    f->rsvmap_off = off_rsv;
    return 0;
}

static uint32_t align4(uint32_t x) { return (x + 3) & ~3u; }

/* The token at off, or FDT_END if off is out of bounds. */
static uint32_t token_at(const struct fdt *f, uint32_t off)
{
    if (off + 4 > f->structs_size)
        return FDT_END;
    return be32(f->structs + off);
}

/* Offset just past a BEGIN_NODE token and its name; 0 if malformed. */
static uint32_t skip_name(const struct fdt *f, uint32_t off)
{
    const char *name = (const char *)f->structs + off + 4;
    uint32_t room = f->structs_size - off - 4;
    uint32_t len = strnlen(name, room);
    if (len == room)
        return 0;
    return off + 4 + align4(len + 1);
}

/* Offset past a PROP token and its value; 0 if malformed. */
static uint32_t skip_prop(const struct fdt *f, uint32_t off)
{
    if (off + 12 > f->structs_size)
        return 0;
    uint32_t len = be32(f->structs + off + 4);
    if (len > f->structs_size - off - 12)
        return 0;
    return off + 12 + align4(len);
}

struct walk_state {
    uint32_t addr[FDT_MAX_DEPTH + 1];
    uint32_t size[FDT_MAX_DEPTH + 1];
};

int fdt_walk(const struct fdt *f, fdt_visit_fn fn, void *ctx)
{
    struct walk_state ws;
    int depth = -1;
    uint32_t off = 0;
    ws.addr[0] = 2;
    ws.size[0] = 1;
    for (;;) {
        uint32_t tok = token_at(f, off);
        if (tok == FDT_END)
            return depth == -1 ? 0 : -1;
        if (tok == FDT_NOP) {
            off += 4;
        } else if (tok == FDT_END_NODE) {
            if (depth < 0)
                return -1;
            depth--;
            off += 4;
        } else if (tok == FDT_PROP) {
            off = skip_prop(f, off);
            if (!off)
                return -1;
        } else if (tok == FDT_BEGIN_NODE) {
            /* The name must end inside the block before anyone reads it. */
            uint32_t next = skip_name(f, off);
            if (!next || ++depth >= FDT_MAX_DEPTH)
                return -1;
            struct fdt_node n = { (int)off, depth, ws.addr[depth], ws.size[depth] };
            uint32_t v;
            /* Children inherit this node's #cells, defaulting as the spec says. */
            ws.addr[depth + 1] = fdt_prop_u32(f, &n, "#address-cells", &v) ? v : 2;
            ws.size[depth + 1] = fdt_prop_u32(f, &n, "#size-cells", &v) ? v : 1;
            if (!fn(f, &n, ctx))
                return 0;
            off = next;
        } else {
            return -1;
        }
    }
}

const char *fdt_node_name(const struct fdt *f, const struct fdt_node *n)
{
    return (const char *)f->structs + n->off + 4;
}

const void *fdt_prop(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t *len)
{
    uint32_t off = skip_name(f, (uint32_t)n->off);
    if (!off)
        return NULL;
    for (;;) {
        uint32_t tok = token_at(f, off);
        if (tok == FDT_NOP) {
            off += 4;
            continue;
        }
        if (tok != FDT_PROP)
            return NULL;
        uint32_t next = skip_prop(f, off);
        if (!next)
            return NULL;
        uint32_t nameoff = be32(f->structs + off + 8);
        /* A name cut off by the end of the strings block matches nothing. */
        if (nameoff < f->strings_size &&
            strnlen(f->strings + nameoff, f->strings_size - nameoff) == strlen(name) &&
            strcmp(f->strings + nameoff, name) == 0) {
            if (len)
                *len = be32(f->structs + off + 4);
            return f->structs + off + 12;
        }
        off = next;
    }
}

bool fdt_prop_u32(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t *out)
{
    uint32_t len;
    const void *p = fdt_prop(f, n, name, &len);
    if (!p || len < 4)
        return false;
    *out = be32(p);
    return true;
}

/* Reads the idx-th group of `cells` cells of a property. */
bool fdt_prop_cells(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t idx,
                    uint32_t cells, uint64_t *out)
{
    uint32_t len;
    const uint8_t *p = fdt_prop(f, n, name, &len);
    if (!p || cells == 0 || cells > 2 || ((uint64_t)idx + 1) * cells * 4 > len)
        return false;
    *out = fdt_read_cells(p + (uint64_t)idx * cells * 4, cells);
    return true;
}

bool fdt_compatible(const struct fdt *f, const struct fdt_node *n, const char *compat)
{
    uint32_t len;
    const char *p = fdt_prop(f, n, "compatible", &len);
    if (!p)
        return false;
    for (uint32_t i = 0; i < len;) {
        uint32_t l = strnlen(p + i, len - i);
        if (l == strlen(compat) && memcmp(p + i, compat, l) == 0)
            return true;
        i += l + 1;
    }
    return false;
}

bool fdt_reg(const struct fdt *f, const struct fdt_node *n, uint32_t idx, uint64_t *base, uint64_t *size)
{
    uint32_t len, ac = n->addr_cells, sc = n->size_cells;
    const uint8_t *p = fdt_prop(f, n, "reg", &len);
    uint32_t entry = (ac + sc) * 4;
    if (!p || ac == 0 || ac > 2 || sc > 2 || ((uint64_t)idx + 1) * entry > len)
        return false;
    *base = fdt_read_cells(p + (uint64_t)idx * entry, ac);
    *size = sc ? fdt_read_cells(p + (uint64_t)idx * entry + ac * 4, sc) : 0;
    return true;
}

struct phandle_search {
    uint32_t phandle;
    struct fdt_node *out;
    bool found;
};

static bool match_phandle(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
    struct phandle_search *s = ctx;
    uint32_t v;
    if ((fdt_prop_u32(f, n, "phandle", &v) || fdt_prop_u32(f, n, "linux,phandle", &v)) &&
        v == s->phandle) {
        *s->out = *n;
        s->found = true;
        return false;
    }
    return true;
}

bool fdt_find_phandle(const struct fdt *f, uint32_t phandle, struct fdt_node *out)
{
    struct phandle_search s = { phandle, out, false };
    fdt_walk(f, match_phandle, &s);
    return s.found;
}

struct path_search {
    const char *path;            /* remaining components, without leading '/' */
    int depth;                   /* depth of the node the next component names */
    struct fdt_node *out;
    bool found;
};

/* Matches "name" against a path component, which may omit the @unit-address. */
static bool component_matches(const char *name, const char *comp, size_t clen)
{
    if (strncmp(name, comp, clen) != 0)
        return false;
    return name[clen] == '\0' || (name[clen] == '@' && !memchr(comp, '@', clen));
}

static bool match_path(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
    struct path_search *s = ctx;
    if (n->depth == 0) {
        if (*s->path == '\0') {
            *s->out = *n;
            s->found = true;
            return false;
        }
        return true;
    }
    if (n->depth < s->depth)
        return false;            /* left the subtree that had to contain it */
    if (n->depth > s->depth)
        return true;
    const char *slash = strchr(s->path, '/');
    size_t clen = slash ? (size_t)(slash - s->path) : strlen(s->path);
    if (!component_matches(fdt_node_name(f, n), s->path, clen))
        return true;
    if (!slash) {
        *s->out = *n;
        s->found = true;
        return false;
    }
    s->path = slash + 1;
    s->depth++;
    return true;
}

bool fdt_find_path(const struct fdt *f, const char *path, struct fdt_node *out)
{
    if (*path != '/')
        return false;
    struct path_search s = { path + 1, 1, out, false };
    fdt_walk(f, match_path, &s);
    return s.found;
}

bool fdt_memreserve(const struct fdt *f, uint32_t idx, uint64_t *base, uint64_t *size)
{
    uint64_t off = f->rsvmap_off + (uint64_t)idx * 16;
    if (off + 16 > f->size)
        return false;
    *base = fdt_read_cells(f->blob + off, 2);
    *size = fdt_read_cells(f->blob + off + 8, 2);
    return *base || *size;
}

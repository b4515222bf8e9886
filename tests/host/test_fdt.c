/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit test for the flattened device tree walker (lib/fdt.c). The
 * virt tree, its layout variants and every malformed blob are written by a
 * small FDT writer here, which controls each byte; all go into exact-size
 * heap buffers, so ASan reports any read past a blob's end.
 *
 * test_regressions() holds the defects the host tests first found in
 * src/fdt.c (names not terminated in the block, 32-bit index wrap, a
 * truncated string matching a longer one), kept so they stay fixed.
 *
 * test_board() and test_sifive_u() run platform_probe (src/base/platform.c)
 * on trees shaped like a VisionFive 2's, the board docs/hardware.md boots,
 * and QEMU sifive_u's; those trees are .dts sources in tests/host/dts/,
 * which the Makefile compiles with dtc.
 */
#include "../../lib/fdt.c"
#include "../../src/base/platform.c"
#include "check.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- a minimal FDT writer ---- */

#define TOK_BEGIN 1u
#define TOK_END_NODE 2u
#define TOK_PROP 3u
#define TOK_NOP 4u
#define TOK_END 9u

struct fw {
    uint8_t st[8192];
    uint32_t stlen;
    char strs[2048];
    uint32_t strslen;
    uint64_t rsv[8][2];
    int nrsv;
    bool no_rsv_terminator;
    uint32_t version;
};

enum layout {
    LAYOUT_DTC,                  /* header, rsvmap, struct, strings (what dtc emits) */
    LAYOUT_STRUCT_LAST,          /* header, rsvmap, strings, struct */
    LAYOUT_RSV_LAST,             /* header, struct, strings, rsvmap */
};

struct blob {
    uint8_t *b;
    size_t size;
    uint32_t off_struct, off_strings, off_rsv;
};

static void fw_init(struct fw *w)
{
    memset(w, 0, sizeof(*w));
    w->version = 17;
}

static void be32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void fw_raw(struct fw *w, const void *p, uint32_t n)
{
    CHECK(w->stlen + n <= sizeof(w->st));
    memcpy(w->st + w->stlen, p, n);
    w->stlen += n;
}

static void fw_u32(struct fw *w, uint32_t v)
{
    uint8_t b[4];
    be32_put(b, v);
    fw_raw(w, b, 4);
}

static void fw_pad(struct fw *w)
{
    while (w->stlen % 4)
        fw_raw(w, "", 1);
}

/* Returns the offset of the BEGIN_NODE token, which is what fdt_node.off holds. */
static int fw_begin(struct fw *w, const char *name)
{
    int off = (int)w->stlen;
    fw_u32(w, TOK_BEGIN);
    fw_raw(w, name, (uint32_t)strlen(name) + 1);
    fw_pad(w);
    return off;
}

static void fw_end_node(struct fw *w) { fw_u32(w, TOK_END_NODE); }
static void fw_nop(struct fw *w) { fw_u32(w, TOK_NOP); }
static void fw_end(struct fw *w) { fw_u32(w, TOK_END); }

static uint32_t fw_str(struct fw *w, const char *s)
{
    size_t l = strlen(s);
    for (uint32_t i = 0; i + l < w->strslen; i++)
        if (memcmp(w->strs + i, s, l + 1) == 0 && (i == 0 || w->strs[i - 1] == '\0'))
            return i;
    uint32_t off = w->strslen;
    CHECK(off + l + 1 <= sizeof(w->strs));
    memcpy(w->strs + off, s, l + 1);
    w->strslen += (uint32_t)l + 1;
    return off;
}

static void fw_prop(struct fw *w, const char *name, const void *data, uint32_t len)
{
    fw_u32(w, TOK_PROP);
    fw_u32(w, len);
    fw_u32(w, fw_str(w, name));
    fw_raw(w, data, len);
    fw_pad(w);
}

static void fw_prop_cells(struct fw *w, const char *name, int n, const uint32_t *cells)
{
    uint8_t b[64];
    CHECK(n <= 16);
    for (int i = 0; i < n; i++)
        be32_put(b + 4 * i, cells[i]);
    fw_prop(w, name, b, (uint32_t)(4 * n));
}

static void fw_prop_u32(struct fw *w, const char *name, uint32_t v) { fw_prop_cells(w, name, 1, &v); }

static void fw_prop_u64(struct fw *w, const char *name, uint64_t v)
{
    uint32_t c[2] = { (uint32_t)(v >> 32), (uint32_t)v };
    fw_prop_cells(w, name, 2, c);
}

static void fw_prop_str(struct fw *w, const char *name, const char *s)
{
    fw_prop(w, name, s, (uint32_t)strlen(s) + 1);
}

static void fw_rsv(struct fw *w, uint64_t base, uint64_t size)
{
    w->rsv[w->nrsv][0] = base;
    w->rsv[w->nrsv][1] = size;
    w->nrsv++;
}

static void be64_put(uint8_t *p, uint64_t v)
{
    be32_put(p, (uint32_t)(v >> 32));
    be32_put(p + 4, (uint32_t)v);
}

static struct blob fw_finish(const struct fw *w, enum layout lay)
{
    uint32_t rsvlen = (uint32_t)(w->nrsv + (w->no_rsv_terminator ? 0 : 1)) * 16;
    uint32_t off = 40, off_rsv, off_struct, off_strings;
    if (lay == LAYOUT_DTC) {
        off_rsv = (off + 7) & ~7u;
        off_struct = off_rsv + rsvlen;
        off_strings = off_struct + w->stlen;
        off = off_strings + w->strslen;
    } else if (lay == LAYOUT_STRUCT_LAST) {
        off_rsv = (off + 7) & ~7u;
        off_strings = off_rsv + rsvlen;
        off_struct = (off_strings + w->strslen + 3) & ~3u;
        off = off_struct + w->stlen;
    } else {
        off_struct = off;
        off_strings = off_struct + w->stlen;
        off_rsv = (off_strings + w->strslen + 7) & ~7u;
        off = off_rsv + rsvlen;
    }
    struct blob bl = { calloc(1, off), off, off_struct, off_strings, off_rsv };
    uint8_t *b = bl.b;
    be32_put(b + 0, 0xd00dfeed);
    be32_put(b + 4, off);
    be32_put(b + 8, off_struct);
    be32_put(b + 12, off_strings);
    be32_put(b + 16, off_rsv);
    be32_put(b + 20, w->version);
    be32_put(b + 24, 16);
    be32_put(b + 28, 0);
    be32_put(b + 32, w->strslen);
    be32_put(b + 36, w->stlen);
    for (int i = 0; i < w->nrsv; i++) {
        be64_put(b + off_rsv + 16 * i, w->rsv[i][0]);
        be64_put(b + off_rsv + 16 * i + 8, w->rsv[i][1]);
    }
    memcpy(b + off_struct, w->st, w->stlen);
    memcpy(b + off_strings, w->strs, w->strslen);
    return bl;
}

/* An exact-size copy with a header field (byte offset) overwritten. */
static struct blob blob_with(const struct blob *src, uint32_t field, uint32_t v)
{
    struct blob c = *src;
    c.b = malloc(src->size);
    memcpy(c.b, src->b, src->size);
    be32_put(c.b + field, v);
    return c;
}

/* ---- the QEMU-virt-like tree ---- */

enum {
    N_ROOT, N_CHOSEN, N_MEMORY, N_CPUS, N_CPU0, N_INTC0, N_CPU1, N_INTC1, N_SOC, N_SERIAL,
    N_PLIC, N_VIRTIO, N_BUS, N_DEV, N_EMPTY, N_COUNT
};

struct expect {
    const char *name;
    int depth;
    uint32_t ac, sc;
};

static const struct expect virt_nodes[N_COUNT] = {
    [N_ROOT] = { "", 0, 2, 1 },
    [N_CHOSEN] = { "chosen", 1, 2, 2 },
    [N_MEMORY] = { "memory@80000000", 1, 2, 2 },
    [N_CPUS] = { "cpus", 1, 2, 2 },
    [N_CPU0] = { "cpu@0", 2, 1, 0 },
    [N_INTC0] = { "interrupt-controller", 3, 2, 1 },   /* cpu@0 sets no #cells: defaults */
    [N_CPU1] = { "cpu@1", 2, 1, 0 },
    [N_INTC1] = { "interrupt-controller", 3, 2, 1 },
    [N_SOC] = { "soc", 1, 2, 2 },
    [N_SERIAL] = { "serial@10000000", 2, 2, 2 },
    [N_PLIC] = { "plic@c000000", 2, 2, 2 },
    [N_VIRTIO] = { "virtio_mmio@10001000", 2, 2, 2 },
    [N_BUS] = { "bus@20000000", 2, 2, 2 },
    [N_DEV] = { "dev@100", 3, 1, 1 },
    [N_EMPTY] = { "empty-node", 1, 2, 2 },
};

#define INITRD_START 0x88000000ull
#define INITRD_END   0x88200000ull
#define TIMEBASE     10000000u

static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";

/* Builds the tree; 8-byte or 4-byte initrd properties; NOP tokens sprinkled if asked. */
static void build_virt(struct fw *w, bool initrd64, bool nops, int off[N_COUNT])
{
    uint32_t c[8];
    fw_init(w);
    fw_rsv(w, 0x80000000ull, 0x80000);
    fw_rsv(w, 0x87f00000ull, 0x1000);

    off[N_ROOT] = fw_begin(w, "");
    if (nops)
        fw_nop(w);
    fw_prop_u32(w, "#address-cells", 2);
    fw_prop_u32(w, "#size-cells", 2);
    fw_prop_str(w, "compatible", "riscv-virtio");
    fw_prop_str(w, "model", "riscv-virtio,qemu");

    off[N_CHOSEN] = fw_begin(w, "chosen");
    fw_prop_str(w, "bootargs", "console=ttyS0 quiet");
    if (nops)
        fw_nop(w);
    if (initrd64) {
        fw_prop_u64(w, "linux,initrd-end", INITRD_END);
        fw_prop_u64(w, "linux,initrd-start", INITRD_START);
    } else {
        fw_prop_u32(w, "linux,initrd-end", (uint32_t)INITRD_END);
        fw_prop_u32(w, "linux,initrd-start", (uint32_t)INITRD_START);
    }
    fw_prop_str(w, "stdout-path", "/soc/serial@10000000");
    fw_end_node(w);
    if (nops)
        fw_nop(w);

    off[N_MEMORY] = fw_begin(w, "memory@80000000");
    fw_prop_str(w, "device_type", "memory");
    c[0] = 0; c[1] = 0x80000000; c[2] = 0; c[3] = 0x8000000;
    c[4] = 0x1; c[5] = 0x00000000; c[6] = 0x2; c[7] = 0x40000000;
    fw_prop_cells(w, "reg", 8, c);
    fw_end_node(w);

    off[N_CPUS] = fw_begin(w, "cpus");
    fw_prop_u32(w, "#address-cells", 1);
    fw_prop_u32(w, "#size-cells", 0);
    fw_prop_u32(w, "timebase-frequency", TIMEBASE);
    for (int i = 0; i < 2; i++) {
        off[i ? N_CPU1 : N_CPU0] = fw_begin(w, i ? "cpu@1" : "cpu@0");
        fw_prop_u32(w, "phandle", 10 + (uint32_t)i);
        fw_prop_str(w, "device_type", "cpu");
        fw_prop_u32(w, "reg", (uint32_t)i);
        fw_prop_str(w, "status", "okay");
        fw_prop_str(w, "compatible", "riscv");
        fw_prop_str(w, "riscv,isa", "rv64imafdch_zicsr_zifencei_sstc");
        fw_prop_str(w, "mmu-type", "riscv,sv57");
        off[i ? N_INTC1 : N_INTC0] = fw_begin(w, "interrupt-controller");
        fw_prop_u32(w, "#interrupt-cells", 1);
        fw_prop(w, "interrupt-controller", "", 0);
        fw_prop_str(w, "compatible", "riscv,cpu-intc");
        fw_prop_u32(w, "phandle", 1 + (uint32_t)i);
        fw_end_node(w);
        fw_end_node(w);
    }
    fw_end_node(w);

    off[N_SOC] = fw_begin(w, "soc");
    fw_prop_u32(w, "#address-cells", 2);
    fw_prop_u32(w, "#size-cells", 2);
    fw_prop_str(w, "compatible", "simple-bus");
    fw_prop(w, "ranges", "", 0);

    off[N_SERIAL] = fw_begin(w, "serial@10000000");
    fw_prop_u32(w, "interrupts", 10);
    fw_prop_u32(w, "interrupt-parent", 3);
    fw_prop_u32(w, "clock-frequency", 0x384000);
    c[0] = 0; c[1] = 0x10000000; c[2] = 0; c[3] = 0x100;
    fw_prop_cells(w, "reg", 4, c);
    fw_prop_str(w, "compatible", "ns16550a");
    fw_end_node(w);

    off[N_PLIC] = fw_begin(w, "plic@c000000");
    fw_prop_u32(w, "phandle", 3);
    fw_prop_u32(w, "riscv,ndev", 0x5f);
    c[0] = 0; c[1] = 0xc000000; c[2] = 0; c[3] = 0x600000;
    fw_prop_cells(w, "reg", 4, c);
    c[0] = 1; c[1] = 0xb; c[2] = 1; c[3] = 0x9; c[4] = 2; c[5] = 0xb; c[6] = 2; c[7] = 0x9;
    fw_prop_cells(w, "interrupts-extended", 8, c);
    fw_prop(w, "interrupt-controller", "", 0);
    fw_prop(w, "compatible", plic_compat, sizeof(plic_compat));
    fw_prop_u32(w, "#interrupt-cells", 1);
    fw_end_node(w);

    off[N_VIRTIO] = fw_begin(w, "virtio_mmio@10001000");
    fw_prop_u32(w, "linux,phandle", 4);            /* the old spelling only */
    fw_prop_u32(w, "interrupts", 1);
    c[0] = 0; c[1] = 0x10001000; c[2] = 0; c[3] = 0x1000;
    fw_prop_cells(w, "reg", 4, c);
    fw_prop_str(w, "compatible", "virtio,mmio");
    fw_end_node(w);

    off[N_BUS] = fw_begin(w, "bus@20000000");
    fw_prop_u32(w, "#address-cells", 1);
    fw_prop_u32(w, "#size-cells", 1);
    c[0] = 0; c[1] = 0x20000000; c[2] = 0; c[3] = 0x1000;
    fw_prop_cells(w, "reg", 4, c);
    off[N_DEV] = fw_begin(w, "dev@100");
    c[0] = 0x100; c[1] = 0x20; c[2] = 0x200; c[3] = 0x10;
    fw_prop_cells(w, "reg", 4, c);
    fw_prop_u32(w, "phandle", 0x1234);
    fw_end_node(w);
    fw_end_node(w);
    fw_end_node(w);                                /* soc */

    off[N_EMPTY] = fw_begin(w, "empty-node");
    if (nops)
        fw_nop(w);
    fw_end_node(w);
    if (nops)
        fw_nop(w);
    fw_end_node(w);                                /* root */
    if (nops)
        fw_nop(w);
    fw_end(w);
}

/* ---- walk recording ---- */

#define MAX_SEEN 64

struct seen {
    struct fdt_node n[MAX_SEEN];
    int count;
    int stop_after;              /* return false after this many; 0 = never */
};

static bool record(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
    (void)f;
    struct seen *s = ctx;
    CHECK(s->count < MAX_SEEN);
    s->n[s->count++] = *n;
    return s->stop_after == 0 || s->count < s->stop_after;
}

static bool count_only(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
    (void)f;
    (void)n;
    (*(int *)ctx)++;
    return true;
}

static struct fdt_node node_at(const int off[N_COUNT], int i)
{
    return (struct fdt_node){ off[i], virt_nodes[i].depth, virt_nodes[i].ac, virt_nodes[i].sc };
}

static void check_walk(const struct fdt *f, const int off[N_COUNT])
{
    struct seen s = { .count = 0 };
    CHECK_EQ(fdt_walk(f, record, &s), 0);
    CHECK_EQ(s.count, N_COUNT);
    for (int i = 0; i < N_COUNT && i < s.count; i++) {
        CHECK_EQ(s.n[i].off, off[i]);
        CHECK_EQ(s.n[i].depth, virt_nodes[i].depth);
        CHECK_EQ(s.n[i].addr_cells, virt_nodes[i].ac);
        CHECK_EQ(s.n[i].size_cells, virt_nodes[i].sc);
        CHECK(strcmp(fdt_node_name(f, &s.n[i]), virt_nodes[i].name) == 0);
    }
    /* A visitor returning false stops the walk right there, successfully. */
    for (int k = 1; k <= N_COUNT; k++) {
        struct seen t = { .count = 0, .stop_after = k };
        CHECK_EQ(fdt_walk(f, record, &t), 0);
        CHECK_EQ(t.count, k);
        CHECK_EQ(t.n[k - 1].off, off[k - 1]);
    }
}

static void check_props(const struct fdt *f, const int off[N_COUNT], bool initrd64)
{
    struct fdt_node root = node_at(off, N_ROOT), chosen = node_at(off, N_CHOSEN),
                    mem = node_at(off, N_MEMORY), cpus = node_at(off, N_CPUS),
                    cpu0 = node_at(off, N_CPU0), cpu1 = node_at(off, N_CPU1),
                    intc0 = node_at(off, N_INTC0), soc = node_at(off, N_SOC),
                    serial = node_at(off, N_SERIAL), plic = node_at(off, N_PLIC),
                    virtio = node_at(off, N_VIRTIO), bus = node_at(off, N_BUS),
                    dev = node_at(off, N_DEV), empty = node_at(off, N_EMPTY);
    const uint8_t *lo = f->structs, *hi = f->structs + f->structs_size;
    uint32_t len, v;
    uint64_t q, base, size;
    const char *p;

    /* fdt_prop: exact bytes and length, pointing into the struct block. */
    p = fdt_prop(f, &chosen, "bootargs", &len);
    CHECK(p != NULL);
    CHECK_EQ(len, strlen("console=ttyS0 quiet") + 1);
    CHECK(memcmp(p, "console=ttyS0 quiet", len) == 0);
    CHECK((const uint8_t *)p >= lo && (const uint8_t *)p + len <= hi);
    p = fdt_prop(f, &chosen, "stdout-path", NULL);   /* len may be NULL */
    CHECK(p != NULL && strcmp(p, "/soc/serial@10000000") == 0);
    p = fdt_prop(f, &root, "model", &len);
    CHECK(p != NULL && len == 18 && strcmp(p, "riscv-virtio,qemu") == 0);

    /* linux,initrd-start/end as 4- or 8-byte values. */
    const void *s = fdt_prop(f, &chosen, "linux,initrd-start", &len);
    CHECK(s != NULL);
    CHECK_EQ(len, initrd64 ? 8 : 4);
    CHECK_EQX(fdt_read_cells(s, len / 4), INITRD_START);
    const void *e = fdt_prop(f, &chosen, "linux,initrd-end", &len);
    CHECK(e != NULL);
    CHECK_EQ(len, initrd64 ? 8 : 4);
    CHECK_EQX(fdt_read_cells(e, len / 4), INITRD_END);
    CHECK(fdt_prop_cells(f, &chosen, "linux,initrd-start", 0, initrd64 ? 2 : 1, &q));
    CHECK_EQX(q, INITRD_START);
    CHECK_EQ(fdt_prop_cells(f, &chosen, "linux,initrd-start", 0, 2, &q), initrd64);

    /* Missing, prefix, extension and case variants of names. */
    CHECK(fdt_prop(f, &chosen, "boot", &len) == NULL);
    CHECK(fdt_prop(f, &chosen, "bootargsX", &len) == NULL);
    CHECK(fdt_prop(f, &chosen, "Bootargs", &len) == NULL);
    CHECK(fdt_prop(f, &chosen, "", &len) == NULL);
    CHECK(fdt_prop(f, &chosen, "linux,initrd", &len) == NULL);
    CHECK(fdt_prop(f, &root, "#address-cell", &len) == NULL);
    CHECK(fdt_prop(f, &root, "#address-cellss", &len) == NULL);
    /* A node's props end at its first child: /soc has no "reg" of its own. */
    CHECK(fdt_prop(f, &soc, "reg", &len) == NULL);
    CHECK(fdt_prop(f, &root, "bootargs", &len) == NULL);
    CHECK(fdt_prop(f, &cpus, "phandle", &len) == NULL);
    CHECK(fdt_prop(f, &empty, "reg", &len) == NULL);
    CHECK(fdt_prop(f, &empty, "compatible", &len) == NULL);
    /* Empty (boolean) properties exist with length 0. */
    p = fdt_prop(f, &soc, "ranges", &len);
    CHECK(p != NULL);
    CHECK_EQ(len, 0);
    CHECK(fdt_prop(f, &intc0, "interrupt-controller", &len) != NULL && len == 0);

    /* fdt_prop_u32. */
    CHECK(fdt_prop_u32(f, &cpus, "timebase-frequency", &v));
    CHECK_EQ(v, TIMEBASE);
    CHECK(fdt_prop_u32(f, &root, "#address-cells", &v) && v == 2);
    CHECK(fdt_prop_u32(f, &cpus, "#size-cells", &v) && v == 0);
    CHECK(fdt_prop_u32(f, &serial, "clock-frequency", &v) && v == 0x384000);
    CHECK(fdt_prop_u32(f, &plic, "riscv,ndev", &v) && v == 0x5f);
    v = 77;
    CHECK(!fdt_prop_u32(f, &soc, "ranges", &v));     /* too short */
    CHECK(!fdt_prop_u32(f, &cpu0, "timebase-frequency", &v));
    CHECK_EQ(v, 77);

    /* fdt_prop_cells: groups of 1 or 2 cells, bounds-checked by index. */
    CHECK(fdt_prop_cells(f, &mem, "reg", 0, 2, &q) && q == 0x80000000ull);
    CHECK(fdt_prop_cells(f, &mem, "reg", 1, 2, &q) && q == 0x8000000ull);
    CHECK(fdt_prop_cells(f, &mem, "reg", 2, 2, &q) && q == 0x100000000ull);
    CHECK(fdt_prop_cells(f, &mem, "reg", 3, 2, &q) && q == 0x240000000ull);
    CHECK(!fdt_prop_cells(f, &mem, "reg", 4, 2, &q));
    CHECK(fdt_prop_cells(f, &mem, "reg", 1, 1, &q) && q == 0x80000000ull);
    CHECK(fdt_prop_cells(f, &mem, "reg", 7, 1, &q) && q == 0x40000000ull);
    CHECK(!fdt_prop_cells(f, &mem, "reg", 8, 1, &q));
    CHECK(!fdt_prop_cells(f, &mem, "reg", 0x40000000u, 1, &q));
    CHECK(!fdt_prop_cells(f, &mem, "reg", 0x7fffffffu, 2, &q));
    CHECK(!fdt_prop_cells(f, &mem, "reg", 0, 0, &q));
    CHECK(!fdt_prop_cells(f, &mem, "reg", 0, 3, &q));
    CHECK(!fdt_prop_cells(f, &mem, "nothing", 0, 1, &q));
    CHECK(fdt_prop_cells(f, &cpu1, "reg", 0, cpu1.addr_cells, &q) && q == 1);
    CHECK(!fdt_prop_cells(f, &cpu1, "reg", 1, cpu1.addr_cells, &q));

    /* fdt_compatible on string lists: any entry, whole entries only. */
    CHECK(fdt_compatible(f, &serial, "ns16550a"));
    CHECK(!fdt_compatible(f, &serial, "ns16550"));
    CHECK(!fdt_compatible(f, &serial, "ns16550a0"));
    CHECK(!fdt_compatible(f, &serial, "s16550a"));
    CHECK(!fdt_compatible(f, &serial, ""));
    CHECK(fdt_compatible(f, &plic, "sifive,plic-1.0.0"));
    CHECK(fdt_compatible(f, &plic, "riscv,plic0"));      /* the second entry */
    CHECK(!fdt_compatible(f, &plic, "riscv,plic"));
    CHECK(!fdt_compatible(f, &plic, "plic0"));
    CHECK(!fdt_compatible(f, &plic, "sifive,plic-1.0.0riscv,plic0"));
    CHECK(!fdt_compatible(f, &plic, "sifive,plic-1.0.0 riscv,plic0"));
    CHECK(fdt_compatible(f, &intc0, "riscv,cpu-intc"));
    CHECK(!fdt_compatible(f, &empty, "riscv,cpu-intc"));
    CHECK(!fdt_compatible(f, &cpus, "riscv"));           /* cpus has no compatible */
    CHECK(fdt_compatible(f, &cpu0, "riscv"));
    CHECK(fdt_compatible(f, &root, "riscv-virtio"));
    CHECK(!fdt_compatible(f, &root, "virtio,mmio"));     /* a descendant's, not root's */

    /* fdt_reg with the parent's 2/2, 1/0 and 1/1 cells. */
    CHECK(fdt_reg(f, &mem, 0, &base, &size));
    CHECK_EQX(base, 0x80000000ull);
    CHECK_EQX(size, 0x8000000ull);
    CHECK(fdt_reg(f, &mem, 1, &base, &size));
    CHECK_EQX(base, 0x100000000ull);
    CHECK_EQX(size, 0x240000000ull);
    CHECK(!fdt_reg(f, &mem, 2, &base, &size));
    CHECK(!fdt_reg(f, &mem, 0x0fffffffu, &base, &size));
    CHECK(fdt_reg(f, &serial, 0, &base, &size) && base == 0x10000000 && size == 0x100);
    CHECK(fdt_reg(f, &plic, 0, &base, &size) && base == 0xc000000 && size == 0x600000);
    CHECK(fdt_reg(f, &virtio, 0, &base, &size) && base == 0x10001000 && size == 0x1000);
    CHECK(fdt_reg(f, &bus, 0, &base, &size) && base == 0x20000000 && size == 0x1000);
    size = 99;
    CHECK(fdt_reg(f, &cpu0, 0, &base, &size));
    CHECK_EQX(base, 0);
    CHECK_EQX(size, 0);
    CHECK(fdt_reg(f, &cpu1, 0, &base, &size) && base == 1 && size == 0);
    CHECK(!fdt_reg(f, &cpu1, 1, &base, &size));
    CHECK(fdt_reg(f, &dev, 0, &base, &size) && base == 0x100 && size == 0x20);
    CHECK(fdt_reg(f, &dev, 1, &base, &size) && base == 0x200 && size == 0x10);
    CHECK(!fdt_reg(f, &dev, 2, &base, &size));
    CHECK(!fdt_reg(f, &soc, 0, &base, &size));           /* no reg */
    CHECK(!fdt_reg(f, &intc0, 0, &base, &size));
    /* Cells the reader cannot represent are refused, not misread. */
    struct fdt_node odd = serial;
    odd.addr_cells = 0;
    CHECK(!fdt_reg(f, &odd, 0, &base, &size));
    odd.addr_cells = 3;
    CHECK(!fdt_reg(f, &odd, 0, &base, &size));
    odd.addr_cells = 1;
    odd.size_cells = 3;
    CHECK(!fdt_reg(f, &odd, 0, &base, &size));
    odd.size_cells = 1;                                  /* 1/1 reads the 2/2 cells pairwise */
    CHECK(fdt_reg(f, &odd, 1, &base, &size) && base == 0 && size == 0x100);
    CHECK(!fdt_reg(f, &odd, 2, &base, &size));
}

static void check_paths(const struct fdt *f, const int off[N_COUNT])
{
    static const struct { const char *path; int node; } found[] = {
        { "/", N_ROOT },
        { "/chosen", N_CHOSEN },
        { "/memory", N_MEMORY },
        { "/memory@80000000", N_MEMORY },
        { "/cpus", N_CPUS },
        { "/cpus/cpu", N_CPU0 },                         /* first match without unit */
        { "/cpus/cpu@0", N_CPU0 },
        { "/cpus/cpu@1", N_CPU1 },
        { "/cpus/cpu@0/interrupt-controller", N_INTC0 },
        { "/cpus/cpu@1/interrupt-controller", N_INTC1 },
        { "/soc", N_SOC },
        { "/soc/serial", N_SERIAL },
        { "/soc/serial@10000000", N_SERIAL },
        { "/soc/plic@c000000", N_PLIC },
        { "/soc/virtio_mmio", N_VIRTIO },
        { "/soc/bus@20000000/dev@100", N_DEV },
        { "/soc/bus/dev", N_DEV },
        { "/empty-node", N_EMPTY },
    };
    for (size_t i = 0; i < sizeof(found) / sizeof(found[0]); i++) {
        struct fdt_node n = { -1, -1, 0, 0 };
        bool ok = fdt_find_path(f, found[i].path, &n);
        if (!ok)
            fprintf(stderr, "path %s\n", found[i].path);
        CHECK(ok);
        struct fdt_node want = node_at(off, found[i].node);
        CHECK_EQ(n.off, want.off);
        CHECK_EQ(n.depth, want.depth);
        CHECK_EQ(n.addr_cells, want.addr_cells);
        CHECK_EQ(n.size_cells, want.size_cells);
    }
    static const char *missing[] = {
        "", "chosen", "soc/serial", "/nothing", "/chosen/nothing", "/mem", "/memory@8",
        "/memory@80000000x", "/memory@", "/cpus/cpu@2", "/cpus/cpu@1/nothing",
        "/serial@10000000",                              /* exists, but at depth 2 */
        "/interrupt-controller", "/cpus/interrupt-controller", "/soc/dev@100",
        "/soc/cpu@0", "/soc/serial@10000000/x", "/soc/bus/dev@200", "/empty-node/x",
        "/chosen/", "//chosen", "/Chosen", "/cpus/cpu@0@0",
        /* Exist at the right depth, but outside the subtree the path already chose. */
        "/chosen/serial", "/chosen/cpu@1", "/memory/interrupt-controller", "/cpus/cpu@0/dev@100",
    };
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        struct fdt_node n = { -1, -1, 0, 0 };
        bool ok = fdt_find_path(f, missing[i], &n);
        if (ok)
            fprintf(stderr, "path %s unexpectedly found at %d\n", missing[i], n.off);
        CHECK(!ok);
    }
}

static void check_phandles(const struct fdt *f, const int off[N_COUNT])
{
    static const struct { uint32_t ph; int node; } cases[] = {
        { 1, N_INTC0 }, { 2, N_INTC1 }, { 3, N_PLIC }, { 4, N_VIRTIO }, { 10, N_CPU0 },
        { 11, N_CPU1 }, { 0x1234, N_DEV },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fdt_node n = { -1, -1, 0, 0 };
        CHECK(fdt_find_phandle(f, cases[i].ph, &n));
        CHECK_EQ(n.off, off[cases[i].node]);
        CHECK_EQ(n.depth, virt_nodes[cases[i].node].depth);
        CHECK_EQ(n.addr_cells, virt_nodes[cases[i].node].ac);
    }
    static const uint32_t absent[] = { 0, 5, 9, 12, 0x12, 0x1235, 0xffffffff, 0x3000000 };
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        struct fdt_node n;
        CHECK(!fdt_find_phandle(f, absent[i], &n));
    }
}

static void check_memreserve(const struct fdt *f)
{
    uint64_t base = 1, size = 1;
    CHECK(fdt_memreserve(f, 0, &base, &size));
    CHECK_EQX(base, 0x80000000ull);
    CHECK_EQX(size, 0x80000);
    CHECK(fdt_memreserve(f, 1, &base, &size));
    CHECK_EQX(base, 0x87f00000ull);
    CHECK_EQX(size, 0x1000);
    CHECK(!fdt_memreserve(f, 2, &base, &size));          /* the terminator */
    CHECK(!fdt_memreserve(f, 0x0fffffff, &base, &size));
    CHECK(!fdt_memreserve(f, 0xffffffff, &base, &size));
}

static void test_virt(void)
{
    static const enum layout layouts[] = { LAYOUT_DTC, LAYOUT_STRUCT_LAST, LAYOUT_RSV_LAST };
    for (int variant = 0; variant < 4; variant++) {
        bool initrd64 = variant & 1, nops = variant & 2;
        for (size_t li = 0; li < 3; li++) {
            struct fw w;
            int off[N_COUNT];
            build_virt(&w, initrd64, nops, off);
            struct blob bl = fw_finish(&w, layouts[li]);
            struct fdt f;
            memset(&f, 0, sizeof(f));
            CHECK_EQ(fdt_blob_size(bl.b), bl.size);
            CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
            CHECK(f.blob == bl.b);
            CHECK_EQ(f.size, bl.size);
            CHECK(f.structs == bl.b + bl.off_struct);
            CHECK_EQ(f.structs_size, w.stlen);
            CHECK(f.strings == (const char *)bl.b + bl.off_strings);
            CHECK_EQ(f.strings_size, w.strslen);
            CHECK_EQ(f.rsvmap_off, bl.off_rsv);
            check_walk(&f, off);
            check_props(&f, off, initrd64);
            check_paths(&f, off);
            check_phandles(&f, off);
            check_memreserve(&f);
            /* A bound larger than the blob is fine; totalsize rules. */
            CHECK_EQ(fdt_open(&f, bl.b, bl.size + 4096), 0);
            CHECK_EQ(f.size, bl.size);
            free(bl.b);
        }
    }
}

/* ---- corrupt headers ---- */

static void test_bad_headers(void)
{
    struct fw w;
    int off[N_COUNT];
    struct fdt f;
    build_virt(&w, true, false, off);
    struct blob good = fw_finish(&w, LAYOUT_DTC);
    uint32_t total = (uint32_t)good.size;

    /* Bad magic, byte by byte. */
    for (int i = 0; i < 4; i++) {
        struct blob c = blob_with(&good, 8, good.off_struct);
        c.b[i] ^= 0x01;
        CHECK_EQ(fdt_open(&f, c.b, c.size), -1);
        CHECK_EQ(fdt_blob_size(c.b), 0);
        free(c.b);
    }
    /* Buffers too short to hold a header, exact-size. */
    for (size_t n = 0; n < 40; n++) {
        uint8_t *b = malloc(n ? n : 1);
        memcpy(b, good.b, n);
        CHECK_EQ(fdt_open(&f, b, n), -1);
        free(b);
    }
    /* totalsize against the buffer. */
    struct blob c = blob_with(&good, 4, total + 1);
    CHECK_EQ(fdt_open(&f, c.b, c.size), -1);
    CHECK_EQ(fdt_blob_size(c.b), total + 1);
    free(c.b);
    c = blob_with(&good, 4, 0xffffffff);
    CHECK_EQ(fdt_open(&f, c.b, c.size), -1);
    free(c.b);
    CHECK_EQ(fdt_open(&f, good.b, good.size - 1), -1);   /* caller's bound below totalsize */
    /* Versions before 17 lack the fields this reader needs. */
    static const uint32_t versions[] = { 0, 1, 16 };
    for (size_t i = 0; i < 3; i++) {
        c = blob_with(&good, 20, versions[i]);
        CHECK_EQ(fdt_open(&f, c.b, c.size), -1);
        free(c.b);
    }
    c = blob_with(&good, 20, 18);
    CHECK_EQ(fdt_open(&f, c.b, c.size), 0);
    free(c.b);

    /* Block offsets and sizes out of range. */
    struct { uint32_t field, v; } cases[] = {
        { 8, total + 1 }, { 8, 0xffffffff }, { 8, 0x80000000 },
        { 36, total - good.off_struct + 1 }, { 36, 0xffffffff }, { 36, 0xfffffffc },
        { 12, total + 1 }, { 12, 0xffffffff },
        { 32, total - good.off_strings + 1 }, { 32, 0xffffffff },
        { 16, total + 1 }, { 16, 0xffffffff },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        c = blob_with(&good, cases[i].field, cases[i].v);
        CHECK_EQ(fdt_open(&f, c.b, c.size), -1);
        free(c.b);
    }
    /* Struct offset moved so its size runs one past the end. */
    c = blob_with(&good, 8, good.off_struct + (total - good.off_strings) + 1);
    CHECK_EQ(fdt_open(&f, c.b, c.size), -1);
    free(c.b);
    /* A struct block reaching exactly to totalsize is fine (it ends at its END token). */
    c = blob_with(&good, 36, total - good.off_struct);
    CHECK_EQ(fdt_open(&f, c.b, c.size), 0);
    free(c.b);

    /* Reserve map at the very end with no terminator: reads stop at totalsize. */
    struct fw w2;
    build_virt(&w2, true, false, off);
    w2.no_rsv_terminator = true;
    struct blob r = fw_finish(&w2, LAYOUT_RSV_LAST);
    CHECK_EQ(fdt_open(&f, r.b, r.size), 0);
    uint64_t base, size;
    CHECK(fdt_memreserve(&f, 1, &base, &size) && base == 0x87f00000ull);
    CHECK(!fdt_memreserve(&f, 2, &base, &size));
    CHECK(!fdt_memreserve(&f, 3, &base, &size));
    free(r.b);
    /* An empty reserve map. */
    build_virt(&w2, true, false, off);
    w2.nrsv = 0;
    r = fw_finish(&w2, LAYOUT_DTC);
    CHECK_EQ(fdt_open(&f, r.b, r.size), 0);
    CHECK(!fdt_memreserve(&f, 0, &base, &size));
    check_walk(&f, off);
    free(r.b);
    /* rsvmap_off == totalsize: nothing to read. */
    c = blob_with(&good, 16, total);
    CHECK_EQ(fdt_open(&f, c.b, c.size), 0);
    CHECK(!fdt_memreserve(&f, 0, &base, &size));
    free(c.b);
    free(good.b);
}

/* ---- corrupt struct blocks ---- */

/* Opens a struct-last blob (so overruns leave the buffer) and returns fdt_walk's result. */
static int walk_struct_last(const struct fw *w, int *nodes, struct blob *keep)
{
    struct blob bl = fw_finish(w, LAYOUT_STRUCT_LAST);
    struct fdt f;
    CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
    int n = 0;
    int r = fdt_walk(&f, count_only, &n);
    if (nodes)
        *nodes = n;
    if (keep)
        *keep = bl;
    else
        free(bl.b);
    return r;
}

/* Root with #cells 1/1 and an open child@0 with a reg; returns the child's offset. */
static int small_tree_head(struct fw *w)
{
    fw_init(w);
    fw_begin(w, "");
    fw_prop_u32(w, "#address-cells", 1);
    fw_prop_u32(w, "#size-cells", 1);
    int child = fw_begin(w, "child@0");
    fw_prop_u32(w, "reg", 0);
    return child;
}

static void test_bad_structs(void)
{
    struct fw w;
    int nodes;
    struct blob bl;
    struct fdt f;
    struct fdt_node n;
    uint32_t len;

    /* The well-formed small tree, as a baseline. */
    small_tree_head(&w);
    fw_end_node(&w);
    fw_end_node(&w);
    fw_end(&w);
    CHECK_EQ(walk_struct_last(&w, &nodes, NULL), 0);
    CHECK_EQ(nodes, 2);

    /* A property whose length runs past the block, by one byte and by a lot. */
    static const uint32_t lens[] = { 0, 0x1000, 0x7fffffff, 0xfffffffc, 0xffffffff };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        int child = small_tree_head(&w);
        uint32_t at = w.stlen;
        fw_prop(&w, "bad", "abcd", 4);
        fw_end_node(&w);
        fw_end_node(&w);
        fw_end(&w);
        uint32_t room = w.stlen - at - 12;
        be32_put(w.st + at + 4, lens[i] ? lens[i] : room + 1);
        CHECK_EQ(walk_struct_last(&w, NULL, &bl), -1);
        CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
        CHECK(fdt_find_path(&f, "/", &n));
        CHECK(fdt_prop(&f, &n, "#size-cells", &len) != NULL);
        /* child@0 is visited (and found) before the walk reaches its bad property. */
        CHECK(fdt_find_path(&f, "/child@0", &n));
        CHECK_EQ(n.off, child);
        CHECK_EQ(n.addr_cells, 1);
        CHECK(strcmp(fdt_node_name(&f, &n), "child@0") == 0);
        CHECK(fdt_prop(&f, &n, "reg", &len) != NULL);   /* before the bad one: fine */
        CHECK(fdt_prop(&f, &n, "bad", &len) == NULL);
        CHECK(fdt_prop(&f, &n, "zzz", &len) == NULL);
        free(bl.b);
    }
    /* A property header cut short by the end of the block. */
    for (uint32_t keep = 4; keep < 12; keep += 4) {
        small_tree_head(&w);
        fw_u32(&w, TOK_PROP);
        if (keep >= 8)
            fw_u32(&w, 0);
        CHECK_EQ(walk_struct_last(&w, NULL, NULL), -1);
    }

    /* No END token and nodes left open. */
    small_tree_head(&w);
    CHECK_EQ(walk_struct_last(&w, &nodes, NULL), -1);
    CHECK_EQ(nodes, 2);
    small_tree_head(&w);
    fw_end_node(&w);
    CHECK_EQ(walk_struct_last(&w, NULL, NULL), -1);
    /* Every truncation of the struct block of the full tree: a clean walk needs the whole tree. */
    int off[N_COUNT];
    struct fw v;
    build_virt(&v, true, false, off);
    uint32_t full = v.stlen;
    for (uint32_t cut = 0; cut < full; cut++) {
        v.stlen = cut;
        int r = walk_struct_last(&v, &nodes, NULL);
        if (cut >= full - 4) {
            /* Only the END token is missing: the tree itself is complete. */
            CHECK_EQ(r, 0);
            CHECK_EQ(nodes, N_COUNT);
        } else if (cut < 4) {
            CHECK_EQ(r, 0);                              /* no whole token: no nodes at all */
            CHECK_EQ(nodes, 0);
        } else {
            CHECK_EQ(r, -1);
        }
    }

    /* Unbalanced END_NODE, and tokens that mean nothing. */
    small_tree_head(&w);
    fw_end_node(&w);
    fw_end_node(&w);
    fw_end_node(&w);
    fw_end(&w);
    CHECK_EQ(walk_struct_last(&w, NULL, NULL), -1);
    static const uint32_t junk[] = { 0, 5, 6, 8, 10, 0x01000000, 0xffffffff };
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        small_tree_head(&w);
        fw_u32(&w, junk[i]);
        fw_end_node(&w);
        fw_end_node(&w);
        fw_end(&w);
        CHECK_EQ(walk_struct_last(&w, NULL, NULL), -1);
    }

    /* A node name with no NUL before the end of the block. */
    small_tree_head(&w);
    fw_end_node(&w);
    fw_u32(&w, TOK_BEGIN);
    fw_raw(&w, "unterminated", 12);
    CHECK_EQ(walk_struct_last(&w, &nodes, &bl), -1);
    CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
    n = (struct fdt_node){ (int)(w.stlen - 16), 1, 1, 1 };
    CHECK(fdt_prop(&f, &n, "reg", &len) == NULL);
    CHECK(!fdt_find_phandle(&f, 1, &n));
    free(bl.b);
    /* The same with the strings block after it (dtc's layout): still bounded by the block. */
    bl = fw_finish(&w, LAYOUT_DTC);
    CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
    CHECK_EQ(fdt_walk(&f, count_only, &nodes), -1);
    free(bl.b);
    /* The root's own name unterminated. */
    fw_init(&w);
    fw_u32(&w, TOK_BEGIN);
    fw_raw(&w, "abc", 3);
    CHECK_EQ(walk_struct_last(&w, NULL, NULL), -1);
    fw_init(&w);
    fw_u32(&w, TOK_BEGIN);                           /* BEGIN_NODE and nothing else */
    CHECK_EQ(walk_struct_last(&w, NULL, NULL), -1);

    /* A block whose size is not a multiple of 4 ends mid-token. */
    small_tree_head(&w);
    fw_end_node(&w);
    fw_raw(&w, "\0\0", 2);
    CHECK_EQ(walk_struct_last(&w, NULL, NULL), -1);

    /* Depth: 16 levels (root at 0 .. 15) are accepted, 17 are not. */
    for (int levels = 15; levels <= 18; levels++) {
        fw_init(&w);
        for (int d = 0; d < levels; d++)
            fw_begin(&w, d ? "n" : "");
        for (int d = 0; d < levels; d++)
            fw_end_node(&w);
        fw_end(&w);
        CHECK_EQ(walk_struct_last(&w, &nodes, NULL), levels <= 16 ? 0 : -1);
        if (levels <= 16)
            CHECK_EQ(nodes, levels);
    }

    /* Property name offsets outside the strings block never match and never read past it. */
    static const uint32_t nameoffs[] = { 0, 1, 0x7fffffff, 0xffffffff };
    for (size_t i = 0; i < sizeof(nameoffs) / sizeof(nameoffs[0]); i++) {
        fw_init(&w);
        fw_begin(&w, "");
        fw_prop_u32(&w, "#address-cells", 2);            /* strings: "#address-cells\0" */
        uint32_t at = w.stlen;
        fw_prop_u32(&w, "x", 7);
        fw_end_node(&w);
        fw_end(&w);
        uint32_t no = nameoffs[i] ? nameoffs[i] : w.strslen;   /* 0 stands for one past */
        be32_put(w.st + at + 8, no);
        bl = fw_finish(&w, LAYOUT_DTC);                  /* strings last */
        CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
        CHECK_EQ(fdt_walk(&f, count_only, &nodes), 0);
        n = (struct fdt_node){ 0, 0, 2, 1 };
        bool x = fdt_prop(&f, &n, "x", &len) != NULL;
        CHECK(!x);
        if (no == 1)   /* points into "#address-cells": matches its tail only */
            CHECK(fdt_prop(&f, &n, "address-cells", &len) != NULL);
        else
            CHECK(fdt_prop(&f, &n, "address-cells", &len) == NULL);
        free(bl.b);
    }
}

/* ---- random corruption ---- */

struct fuzz_ctx {
    int nodes;
};

static bool fuzz_visit(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
    struct fuzz_ctx *c = ctx;
    uint32_t len, v;
    uint64_t a, b;
    c->nodes++;
    /* Everything except the name, which the walker has not validated yet (see below). */
    (void)fdt_prop(f, n, "compatible", &len);
    (void)fdt_prop_u32(f, n, "phandle", &v);
    for (uint32_t i = 0; i < 4; i++) {
        (void)fdt_reg(f, n, i, &a, &b);
        (void)fdt_prop_cells(f, n, "reg", i, 1 + (i & 1), &a);
    }
    (void)fdt_compatible(f, n, "ns16550a");
    (void)fdt_compatible(f, n, "riscv,plic0");
    return true;
}

static void test_fuzz(void)
{
    uint64_t x = 0x853c49e6748fea9bull;
    int off[N_COUNT];
    struct fw w;
    build_virt(&w, true, true, off);
    int clean = 0;
    for (int iter = 0; iter < 6000; iter++) {
        enum layout lay = (enum layout)(iter % 3);
        struct blob bl = fw_finish(&w, lay);
        int flips = 1 + iter % 3;
        for (int k = 0; k < flips; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            /* Mostly the struct block, sometimes the header or strings. */
            size_t at = (x >> 8) % 8 == 0 ? (size_t)(x % bl.size)
                                          : bl.off_struct + (size_t)(x % w.stlen);
            bl.b[at] ^= (uint8_t)(1u << ((x >> 32) % 8));
        }
        struct fdt f;
        if (fdt_open(&f, bl.b, bl.size) == 0) {
            struct fuzz_ctx c = { 0 };
            int r = fdt_walk(&f, fuzz_visit, &c);
            CHECK(r == 0 || r == -1);
            if (r == 0) {
                /* A clean full walk validated every name, so paths are safe to match. */
                clean++;
                struct fdt_node n;
                (void)fdt_find_path(&f, "/soc/serial@10000000", &n);
                (void)fdt_find_path(&f, "/cpus/cpu@1/interrupt-controller", &n);
                (void)fdt_find_phandle(&f, 3, &n);
            }
            uint64_t a, b;
            for (uint32_t i = 0; i < 4; i++)
                (void)fdt_memreserve(&f, i, &a, &b);
        }
        free(bl.b);
    }
    CHECK(clean > 0);
}

/* ---- known defects (see the file comment) ---- */

static bool visit_names(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
    (void)ctx;
    return strlen(fdt_node_name(f, n)) < 1000;
}

/* Regressions for four defects the first version of fdt.c had (1-4, or all with 0). */
static void test_regressions(int which)
{
    struct fw w;
    struct blob bl;
    struct fdt f;
    struct fdt_node n;
    uint64_t a, b;
    int off[N_COUNT];

    /*
     * 1, 2: fdt_walk hands a node to the visitor before checking that its
     * name is NUL-terminated inside the struct block, so fdt_find_path's
     * component_matches() (1) or any visitor reading the name, such as
     * platform.c's visit() (2), reads past the blob.
     */
    fw_init(&w);
    fw_begin(&w, "");
    fw_u32(&w, TOK_BEGIN);       /* child of the root, name "abcd" running to the end */
    fw_raw(&w, "abcd", 4);
    bl = fw_finish(&w, LAYOUT_STRUCT_LAST);
    CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
    if (which == 0 || which == 1)
        CHECK(!fdt_find_path(&f, "/abcdefgh", &n));
    if (which == 0 || which == 2)
        CHECK_EQ(fdt_walk(&f, visit_names, NULL), -1);
    free(bl.b);

    /* 3: idx + 1 wraps in 32 bits, so idx = UINT32_MAX passes the length check
     * and the read lands about 4 GiB past the property. */
    build_virt(&w, true, false, off);
    bl = fw_finish(&w, LAYOUT_DTC);
    CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
    struct fdt_node mem = node_at(off, N_MEMORY);
    if (which == 0 || which == 3) {
        CHECK(!fdt_prop_cells(&f, &mem, "reg", 0xffffffffu, 1, &a));
        CHECK(!fdt_reg(&f, &mem, 0xffffffffu, &a, &b));
    }
    free(bl.b);

    /* 4: a name cut off by the end of the strings block matches any longer query. */
    fw_init(&w);
    fw_begin(&w, "");
    fw_prop_u32(&w, "#address-cells", 2);
    fw_end_node(&w);
    fw_end(&w);
    w.strslen = 5;               /* strings block: "#addr", no NUL */
    bl = fw_finish(&w, LAYOUT_DTC);
    CHECK_EQ(fdt_open(&f, bl.b, bl.size), 0);
    n = (struct fdt_node){ 0, 0, 2, 1 };
    uint32_t len;
    if (which == 0 || which == 4)
        CHECK(fdt_prop(&f, &n, "#address-cells", &len) == NULL);
    free(bl.b);
}

_Noreturn void panic(const char *fmt, ...)
{
    fprintf(stderr, "panic: %s\n", fmt);
    exit(1);
}

/* ---- board-shaped trees, made by dtc from tests/host/dts/ ---- */

#define JH_UART0 0x10000000ull
#define JH_UART3 0x12000000ull

/*
 * A tree the Makefile compiled from tests/host/dts/<name>.dts, in a heap
 * buffer of exactly its size, so ASan reports any read past its end.
 */
static struct blob load_dtb(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s.dtb", HOST_DTB_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0) {
        fprintf(stderr, "test_fdt: cannot read %s (make host-test builds it with dtc)\n", path);
        exit(1);
    }
    long size = ftell(f);
    rewind(f);
    struct blob bl = { malloc(size > 0 ? (size_t)size : 1), size > 0 ? (size_t)size : 0, 0, 0, 0 };
    if (size <= 0 || !bl.b || fread(bl.b, 1, bl.size, f) != bl.size) {
        fprintf(stderr, "test_fdt: short read of %s\n", path);
        exit(1);
    }
    fclose(f);
    return bl;
}

static bool has_rsv(uint64_t base, uint64_t size)
{
    for (int i = 0; i < platform.nrsv; i++)
        if (platform.rsv[i].base == base && platform.rsv[i].size == size)
            return true;
    return false;
}

static void test_board(void)
{
    /* The VisionFive 2's shape, tests/host/dts/jh7110.dtsi. */
    struct blob bl = load_dtb("jh7110");
    memset(&platform, 0, sizeof(platform));
    CHECK_EQ(platform_probe(bl.b), 0);
    /* The S7 (hart id 0) is skipped; index 0 is hart id 1. */
    CHECK_EQ(platform.ncpus, 4);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(platform.hartid[i], i + 1);
    CHECK_EQ(platform.timebase_hz, 4000000);
    CHECK(!platform.sstc);
    CHECK_EQ(platform.nmem, 1);
    CHECK_EQX(platform.mem[0].base, 0x40000000);
    CHECK_EQX(platform.mem[0].size, 0x100000000ull);
    CHECK(platform.uart.found);
    CHECK_EQX(platform.uart.reg.base, JH_UART0);
    CHECK_EQ(platform.uart.reg_shift, 2);
    CHECK_EQ(platform.uart.reg_width, 4);
    CHECK_EQ(platform.uart.irq, 32);
    CHECK_EQ(platform.uart.kind, UART_NS16550);
    CHECK(!platform.restart);
    CHECK(platform.plic.found);
    CHECK_EQX(platform.plic.reg.base, 0xc000000);
    CHECK_EQ(platform.plic.ndev, 136);
    /* Context 0 is hart 0's M mode; each U74 then has M, S. */
    for (int i = 0; i < 4; i++)
        CHECK_EQ(platform.plic.sctx[i], 2 + 2 * i);
    /* Every reg entry of a reserved-memory child, not just the first. */
    CHECK_EQ(platform.nrsv, 3);
    CHECK(has_rsv(0xf0000000, 0x01ffffff));
    CHECK(has_rsv(0xf2000000, 0x1000));
    CHECK(has_rsv(0xf2001000, 0xfff000));
    CHECK(strcmp(platform.bootargs, "test=boot harts=4") == 0);
    free(bl.b);

    /* The console is the UART the alias names, not the first one in the tree. */
    bl = load_dtb("jh7110-uart3");
    memset(&platform, 0, sizeof(platform));
    CHECK_EQ(platform_probe(bl.b), 0);
    CHECK_EQX(platform.uart.reg.base, JH_UART3);
    CHECK_EQ(platform.uart.irq, 45);
    free(bl.b);
}

static void test_sifive_u(void)
{
    /* QEMU sifive_u's shape, tests/host/dts/sifive_u.dts. */
    struct blob bl = load_dtb("sifive_u");
    memset(&platform, 0, sizeof(platform));
    CHECK_EQ(platform_probe(bl.b), 0);
    CHECK_EQ(platform.ncpus, 1);                   /* the E51 has no MMU */
    CHECK_EQ(platform.hartid[0], 1);
    CHECK(platform.uart.found);
    CHECK_EQ(platform.uart.kind, UART_SIFIVE);
    CHECK_EQX(platform.uart.reg.base, 0x10010000);
    CHECK_EQ(platform.uart.irq, 4);
    CHECK(platform.restart);
    CHECK(platform.plic.found);
    CHECK_EQ(platform.plic.sctx[0], 2);            /* context 0 is the E51's M mode */
    free(bl.b);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    test_virt();
    test_bad_headers();
    test_bad_structs();
    test_fuzz();
    test_regressions(argc > 1 ? atoi(argv[1]) : 0);
    test_board();
    test_sifive_u();
    CHECK_DONE("fdt");
}

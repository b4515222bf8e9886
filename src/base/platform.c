/* SPDX-License-Identifier: BSD-2-Clause */
#include <base/platform.h>
#include <lib/fdt.h>
#include <base/printk.h>
#include <string.h>

struct platform platform;

/* Walk state: which subtree the walker is in, so children can be told apart. */
struct probe {
    struct platform *p;
    int rsv_depth;               /* depth of /reserved-memory, or -1 */
    int cpu_depth;               /* depth of the last cpu node, or -1 */
    int cpu_index;               /* its index in platform.hartid, or -1 */
    struct fdt_node uart_node;
    bool uart_seen;
    bool boot_seen;              /* the boot hart is in platform.hartid */
};

void platform_add_reserved(uint64_t base, uint64_t size)
{
    if (platform.nrsv == PLAT_MAX_RSV)
        panic("too many reserved memory ranges");
    platform.rsv[platform.nrsv++] = (struct phys_range){ base, size };
}

static bool prop_is(const struct fdt *f, const struct fdt_node *n, const char *name, const char *want)
{
    uint32_t len;
    const char *v = fdt_prop(f, n, name, &len);
    return v && len == strlen(want) + 1 && memcmp(v, want, len) == 0;
}

static bool node_enabled(const struct fdt *f, const struct fdt_node *n)
{
    uint32_t len;
    const char *s = fdt_prop(f, n, "status", &len);
    return !s || (len >= 4 && memcmp(s, "okay", 4) == 0) || (len >= 2 && memcmp(s, "ok", 2) == 0);
}

static void probe_memory(const struct fdt *f, const struct fdt_node *n, struct platform *p)
{
    uint64_t base, size;
    for (uint32_t i = 0; fdt_reg(f, n, i, &base, &size); i++)
        if (size && p->nmem < PLAT_MAX_MEM)
            p->mem[p->nmem++] = (struct phys_range){ base, size };
}

static bool isa_has_sstc(const struct fdt *f, const struct fdt_node *n)
{
    uint32_t len;
    const char *isa = fdt_prop(f, n, "riscv,isa-extensions", &len);
    if (isa) {
        for (uint32_t i = 0; i < len; i += strnlen(isa + i, len - i) + 1)
            if (strncmp(isa + i, "sstc", len - i) == 0)
                return true;
        return false;
    }
    isa = fdt_prop(f, n, "riscv,isa", &len);
    for (uint32_t i = 0; isa && i + 5 <= len; i++)
        if (memcmp(isa + i, "_sstc", 5) == 0)
            return true;
    return false;
}

static void probe_cpu(const struct fdt *f, const struct fdt_node *n, struct probe *s)
{
    struct platform *p = s->p;
    uint64_t hartid;
    s->cpu_index = -1;
    s->cpu_depth = n->depth;
    /* Harts without an MMU (monitor cores on real boards) cannot run us. */
    if (!node_enabled(f, n) || !fdt_prop(f, n, "mmu-type", NULL) ||
        !fdt_prop_cells(f, n, "reg", 0, n->addr_cells, &hartid))
        return;
    /* Past MAX_HARTS cpus the rest are left out, but never the boot hart: the last entry waits for it. */
    bool boot = hartid == p->boot_hartid;
    if (p->ncpus + (s->boot_seen || boot ? 0 : 1) >= MAX_HARTS)
        return;
    s->boot_seen |= boot;
    s->cpu_index = p->ncpus++;
    p->hartid[s->cpu_index] = hartid;
    p->sstc = (s->cpu_index == 0 ? true : p->sstc) && isa_has_sstc(f, n);
    uint32_t tb;
    if (fdt_prop_u32(f, n, "timebase-frequency", &tb))
        p->timebase_hz = tb;
}

static void probe_plic(const struct fdt *f, const struct fdt_node *n, struct platform *p)
{
    uint32_t len;
    const uint8_t *ie = fdt_prop(f, n, "interrupts-extended", &len);
    if (!ie || !fdt_reg(f, n, 0, &p->plic.reg.base, &p->plic.reg.size))
        return;
    p->plic.found = true;
    fdt_prop_u32(f, n, "riscv,ndev", &p->plic.ndev);
    /* Context i is the i-th <phandle irq> pair; irq 9 is the S-mode external line. */
    for (uint32_t ctx = 0; (ctx + 1) * 8 <= len; ctx++) {
        uint32_t ph = (uint32_t)fdt_read_cells(ie + ctx * 8, 1);
        uint32_t irq = (uint32_t)fdt_read_cells(ie + ctx * 8 + 4, 1);
        for (int c = 0; c < p->ncpus && irq == 9; c++)
            if (p->intc_phandle[c] == ph)
                p->plic.sctx[c] = (int32_t)ctx;
    }
}

/* The register interface a node's compatible names, or 0 for a node that is no UART we drive. */
static enum uart_kind uart_kind_of(const struct fdt *f, const struct fdt_node *n)
{
    if (fdt_compatible(f, n, "ns16550a") || fdt_compatible(f, n, "ns16550") ||
        fdt_compatible(f, n, "snps,dw-apb-uart"))
        return UART_NS16550;
    if (fdt_compatible(f, n, "sifive,uart0"))
        return UART_SIFIVE;
    return 0;
}

static bool is_uart(const struct fdt *f, const struct fdt_node *n)
{
    return uart_kind_of(f, n) != 0;
}

static void probe_uart(const struct fdt *f, const struct fdt_node *n, struct platform *p)
{
    uint32_t v;
    if (!fdt_reg(f, n, 0, &p->uart.reg.base, &p->uart.reg.size))
        return;
    p->uart.found = true;
    p->uart.kind = uart_kind_of(f, n);
    p->uart.reg_shift = fdt_prop_u32(f, n, "reg-shift", &v) ? v : 0;
    p->uart.reg_width = fdt_prop_u32(f, n, "reg-io-width", &v) ? v : 1;
    p->uart.clock_hz = fdt_prop_u32(f, n, "clock-frequency", &v) ? v : 0;
    p->uart.irq = fdt_prop_u32(f, n, "interrupts", &v) ? v : 0;
}

static void probe_chosen(const struct fdt *f, const struct fdt_node *n, struct platform *p)
{
    uint32_t len;
    const char *args = fdt_prop(f, n, "bootargs", &len);
    if (args) {
        size_t l = strnlen(args, len);
        if (l >= sizeof(p->bootargs))
            l = sizeof(p->bootargs) - 1;
        memcpy(p->bootargs, args, l);
    }
    const void *s = fdt_prop(f, n, "linux,initrd-start", &len);
    const void *e = fdt_prop(f, n, "linux,initrd-end", NULL);
    if (s && e && (len == 4 || len == 8)) {
        p->initrd.base = fdt_read_cells(s, len / 4);
        p->initrd.size = fdt_read_cells(e, len / 4) - p->initrd.base;
    }
}

static bool visit(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
    struct probe *s = ctx;
    struct platform *p = s->p;
    const char *name = fdt_node_name(f, n);
    uint32_t v;
    uint64_t base, size;

    if (s->rsv_depth >= 0 && n->depth <= s->rsv_depth)
        s->rsv_depth = -1;
    if (s->cpu_depth >= 0 && n->depth <= s->cpu_depth)
        s->cpu_depth = -1;

    if (n->depth == 1 && strcmp(name, "chosen") == 0)
        probe_chosen(f, n, p);
    else if (n->depth == 1 && strcmp(name, "reserved-memory") == 0)
        s->rsv_depth = 1;
    else if (n->depth == 1 && strcmp(name, "cpus") == 0 && fdt_prop_u32(f, n, "timebase-frequency", &v))
        p->timebase_hz = v;
    else if (s->rsv_depth >= 0 && n->depth == s->rsv_depth + 1)
        for (uint32_t i = 0; fdt_reg(f, n, i, &base, &size); i++)
            platform_add_reserved(base, size);
    else if (prop_is(f, n, "device_type", "memory"))
        probe_memory(f, n, p);
    else if (prop_is(f, n, "device_type", "cpu"))
        probe_cpu(f, n, s);
    else if (s->cpu_depth >= 0 && n->depth == s->cpu_depth + 1 && s->cpu_index >= 0 &&
             fdt_compatible(f, n, "riscv,cpu-intc") && fdt_prop_u32(f, n, "phandle", &v))
        p->intc_phandle[s->cpu_index] = v;
    else if ((fdt_compatible(f, n, "gpio-restart") || fdt_compatible(f, n, "syscon-reboot")) &&
             node_enabled(f, n))
        p->restart = true;
    else if (is_uart(f, n) && node_enabled(f, n) && !s->uart_seen) {
        s->uart_node = *n;
        s->uart_seen = true;
    }
    return true;
}

/*
 * The node a stdout-path value names: a full path, or (as on most boards'
 * trees, "serial0:115200n8") an alias that /aliases maps to one; either
 * may be followed by ":options".
 */
static bool find_stdout(const struct fdt *f, const char *path, uint32_t len, struct fdt_node *out)
{
    char buf[128];
    size_t l = strnlen(path, len);
    const char *colon = memchr(path, ':', l);
    if (colon)
        l = (size_t)(colon - path);
    if (l == 0 || l >= sizeof(buf))
        return false;
    memcpy(buf, path, l);
    buf[l] = '\0';
    if (buf[0] == '/')
        return fdt_find_path(f, buf, out);
    struct fdt_node aliases;
    const char *full;
    uint32_t flen;
    /* An alias's value is a full path; one naming another alias is malformed. */
    if (!fdt_find_path(f, "/aliases", &aliases) || !(full = fdt_prop(f, &aliases, buf, &flen)) ||
        flen == 0 || full[0] != '/')
        return false;
    return find_stdout(f, full, flen, out);
}

/* The console is the node /chosen/stdout-path names, else the first UART found. */
static void choose_console(const struct fdt *f, struct probe *s)
{
    struct fdt_node chosen, node;
    uint32_t len;
    const char *path;
    if (fdt_find_path(f, "/chosen", &chosen) && (path = fdt_prop(f, &chosen, "stdout-path", &len)) &&
        find_stdout(f, path, len, &node) && is_uart(f, &node)) {
        probe_uart(f, &node, s->p);
        return;
    }
    if (s->uart_seen)
        probe_uart(f, &s->uart_node, s->p);
}

struct plic_search {
    struct fdt_node node;
    bool found;
};

static bool find_plic(const struct fdt *f, const struct fdt_node *n, void *ctx)
{
    struct plic_search *s = ctx;
    if (fdt_compatible(f, n, "riscv,plic0") || fdt_compatible(f, n, "sifive,plic-1.0.0")) {
        s->node = *n;
        s->found = true;
        return false;
    }
    return true;
}

int platform_probe(const void *dtb)
{
    struct fdt f;
    uint32_t size = fdt_blob_size(dtb);
    if (!size || fdt_open(&f, dtb, size) != 0)
        return -1;
    platform.dtb = (struct phys_range){ 0, size };
    for (int i = 0; i < MAX_HARTS; i++)
        platform.plic.sctx[i] = -1;
    struct probe s = { &platform, -1, -1, -1, { 0, 0, 0, 0 }, false, false };
    if (fdt_walk(&f, visit, &s) != 0)
        return -1;
    choose_console(&f, &s);
    struct plic_search ps = { { 0, 0, 0, 0 }, false };
    fdt_walk(&f, find_plic, &ps);
    if (ps.found)
        probe_plic(&f, &ps.node, &platform);
    uint64_t base, rsize;
    for (uint32_t i = 0; fdt_memreserve(&f, i, &base, &rsize); i++)
        platform_add_reserved(base, rsize);
    return platform.nmem && platform.ncpus && platform.timebase_hz ? 0 : -1;
}

bool platform_is_ram(uint64_t base, uint64_t size)
{
    for (int i = 0; i < platform.nmem; i++)
        if (base < platform.mem[i].base + platform.mem[i].size && platform.mem[i].base < base + size)
            return true;
    return false;
}

/* What follows `key=` in the first of the command line's space-separated words that starts so, or NULL. */
const char *platform_arg_text(const char *key)
{
    size_t n = strlen(key);
    for (const char *p = platform.bootargs; *p; p++)
        if ((p == platform.bootargs || p[-1] == ' ') && strncmp(p, key, n) == 0 && p[n] == '=')
            return p + n + 1;
    return NULL;
}

/* The decimal number `key=` gives, or dflt if the key is absent or its word is not all digits. */
unsigned long platform_arg(const char *key, unsigned long dflt)
{
    const char *d = platform_arg_text(key);
    unsigned long v = 0;
    if (!d || *d < '0' || *d > '9')
        return dflt;
    for (; *d >= '0' && *d <= '9'; d++)
        v = v * 10 + (unsigned long)(*d - '0');
    return *d == ' ' || *d == 0 ? v : dflt;
}

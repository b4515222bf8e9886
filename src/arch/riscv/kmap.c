/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel half of every address space, built once from the device tree
 * after boot.S's all-RWX boot table has served its turn:
 *
 *   kernel text                      R X
 *   kernel rodata                    R
 *   kernel data, bss, boot stack     R W
 *   direct map of RAM                R W
 *     its alias of text and rodata   R      (else text is writable there)
 *   device registers we drive        R W    (the console UART, the PLIC)
 *
 * Every leaf is global, accessed and dirty (the kernel never takes an A/D
 * fault), and as large as the alignment of both addresses and the size
 * allow: 1 GiB, 2 MiB, else 4 KiB at the image's section boundaries.
 * Physical space that is neither RAM nor a device we drive stays unmapped,
 * so a stray pointer into the direct map faults instead of reaching some
 * device.
 */
#include <arch/kmap.h>
#include <arch/csr.h>
#include <arch/layout.h>
#include <base/platform.h>
#include <base/printk.h>
#include <mm/page.h>

#define DMAP_END ((uint64_t)DMAP_GIGS << 30)
#define SATP_PPN_MASK ((1ul << 44) - 1)

extern char __image_start[], __text_end[], __rodata_end[], __image_end[];

static uint64_t root;

uint64_t kmap_root(void) { return root; }

static uint64_t page_down(uint64_t a) { return a & ~(uint64_t)(PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t a) { return page_down(a + PAGE_SIZE - 1); }
static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* The entry for va in a table at level, making the tables above it. */
static pte_t *slot(uint64_t va, int level)
{
    pte_t *t = pa_to_va(root);
    for (int l = 2; l > level; l--) {
        pte_t *e = &t[pte_index(va, l)];
        if (!(*e & PTE_V)) {
            uint64_t pa = page_alloc();
            if (!pa)
                panic("no memory for the kernel's page tables");
            *e = (pa >> 2) | PTE_V;
        } else if (*e & PTE_LEAF) {
            panic("kernel mappings overlap at %lx", va);
        }
        t = pa_to_va(pte_pa(*e));
    }
    return &t[pte_index(va, level)];
}

/* The largest page that starts at both va and pa and fits in size. */
static int page_level(uint64_t va, uint64_t pa, uint64_t size)
{
    int level = 2;
    while (level > 0 && (((va | pa) & (pte_span(level) - 1)) || size < pte_span(level)))
        level--;
    return level;
}

/*
 * Maps [va, va + size) to pa. A page mapped twice the same way (two
 * devices in one page) is fine; mapped two ways, it is a bug in the tree
 * or here.
 */
static void map_range(uint64_t va, uint64_t pa, uint64_t size, pte_t perm)
{
    while (size) {
        int level = page_level(va, pa, size);
        pte_t *e = slot(va, level);
        /* A table is already there (a smaller mapping beside this one): go down into it. */
        while (level > 0 && (*e & (PTE_V | PTE_LEAF)) == PTE_V)
            e = slot(va, --level);
        pte_t want = (pa >> 2) | perm | PTE_V | PTE_G | PTE_A | PTE_D;
        if (*e && *e != want)
            panic("kernel mappings overlap at %lx", va);
        *e = want;
        va += pte_span(level);
        pa += pte_span(level);
        size -= pte_span(level);
    }
}

static void map_section(const char *start, const char *end, pte_t perm)
{
    map_range((uint64_t)start, kernel_pa(start), (uint64_t)(end - start), perm);
}

/* [lo, hi) of physical space at DMAP_BASE + lo, if it is not empty. */
static void map_dmap(uint64_t lo, uint64_t hi, pte_t perm)
{
    if (lo < hi)
        map_range(DMAP_BASE + lo, lo, hi - lo, perm);
}

/* Each RAM range below DMAP_END, the image's text and rodata in it read-only. */
static void map_ram(void)
{
    uint64_t ro = kernel_pa(__image_start), ro_end = kernel_pa(__rodata_end);
    for (int i = 0; i < platform.nmem; i++) {
        const struct phys_range *m = &platform.mem[i];
        uint64_t base = page_up(m->base), end = page_down(min_u64(m->base + m->size, DMAP_END));
        map_dmap(base, min_u64(end, ro), PTE_R | PTE_W);
        map_dmap(max_u64(base, ro), min_u64(end, ro_end), PTE_R);
        map_dmap(max_u64(base, ro_end), end, PTE_R | PTE_W);
    }
}

static void map_device(const struct phys_range *r)
{
    if (r->size && r->base + r->size <= DMAP_END)
        map_dmap(page_down(r->base), page_up(r->base + r->size), PTE_R | PTE_W);
}

void kmap_init(void)
{
    if (!(root = page_alloc()))
        panic("no memory for the kernel's page tables");
    map_section(__image_start, __text_end, PTE_R | PTE_X);
    map_section(__text_end, __rodata_end, PTE_R);
    map_section(__rodata_end, __image_end, PTE_R | PTE_W);
    map_ram();
    if (platform.uart.found)
        map_device(&platform.uart.reg);
    if (platform.plic.found)
        map_device(&platform.plic.reg);
}

pte_t kmap_leaf(uint64_t va)
{
    /* Above Sv39's 39 bits an address must repeat bit 38, or nothing maps it. */
    if ((int64_t)va >> 38 != 0 && (int64_t)va >> 38 != -1)
        return 0;
    pte_t *t = pa_to_va((csr_read_satp() & SATP_PPN_MASK) << 12);
    for (int level = 2; level >= 0; level--) {
        pte_t e = t[pte_index(va, level)];
        if (!(e & PTE_V))
            return 0;
        if (e & PTE_LEAF)
            return e;
        t = pa_to_va(pte_pa(e));
    }
    return 0;
}

static bool within(uint64_t a, uint64_t lo, uint64_t hi) { return a >= lo && a < hi; }
static bool in_range(uint64_t a, const struct phys_range *r) { return a >= r->base && a - r->base < r->size; }

/* Names the direct-map address of physical pa. */
static const char *dmap_region(uint64_t pa)
{
    if (within(pa, kernel_pa(__image_start), kernel_pa(__text_end)))
        return "direct map of kernel text";
    if (within(pa, kernel_pa(__text_end), kernel_pa(__rodata_end)))
        return "direct map of kernel rodata";
    if ((platform.uart.found && in_range(pa, &platform.uart.reg)) ||
        (platform.plic.found && in_range(pa, &platform.plic.reg)))
        return "device memory";
    return platform_is_ram(pa, 1) ? "direct map" : "direct map, no RAM or device there";
}

const char *kmap_region(uint64_t va)
{
    if (within(va, (uint64_t)__image_start, (uint64_t)__text_end))
        return "kernel text";
    if (within(va, (uint64_t)__text_end, (uint64_t)__rodata_end))
        return "kernel rodata";
    if (within(va, (uint64_t)__rodata_end, (uint64_t)__image_end))
        return "kernel data";
    if (va >= DMAP_BASE && va - DMAP_BASE < DMAP_END)
        return dmap_region(va - DMAP_BASE);
    return va < (1ul << 38) ? "user space" : "kernel space, nothing there";
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/mmu.h>
#include <base/platform.h>
#include <arch/kmap.h>
#include <arch/pte.h>
#include <arch/csr.h>
#include <arch/smp.h>
#include <mm/page.h>
#include <migrant/errno.h>
#include <string.h>
#include <base/hart.h>

static pte_t *table_va(uint64_t pa) { return pa_to_va(pa); }

/* Every process's root shares the kernel half (entries 256..511) with the kernel's own (kmap.c). */
uint64_t pt_create(void)
{
    uint64_t root = page_alloc();
    if (root)
        memcpy(table_va(root) + PTES / 2, table_va(kmap_root()) + PTES / 2, PTES / 2 * sizeof(pte_t));
    return root;
}

static void free_table(uint64_t pa, int level)
{
    pte_t *t = table_va(pa);
    for (int i = 0; level > 0 && i < PTES; i++)
        if ((t[i] & PTE_V) && !(t[i] & PTE_LEAF))
            free_table(pte_pa(t[i]), level - 1);
    page_free(pa);
}

/* Frees the user half's tables; the caller has already unmapped every leaf. */
void pt_destroy(uint64_t root)
{
    pte_t *t = table_va(root);
    for (int i = 0; i < PTES / 2; i++)
        if (t[i] & PTE_V)
            free_table(pte_pa(t[i]), 1);
    page_free(root);
}

/* The leaf entry for va if its tables exist: the common case, with no calls. */
static pte_t *lookup(uint64_t root, uint64_t va)
{
    pte_t *t = table_va(root);
    pte_t e = t[pte_index(va, 2)];
    if ((e & (PTE_V | PTE_LEAF)) != PTE_V)
        return NULL;
    t = table_va(pte_pa(e));
    e = t[pte_index(va, 1)];
    if ((e & (PTE_V | PTE_LEAF)) != PTE_V)
        return NULL;
    return &table_va(pte_pa(e))[pte_index(va, 0)];
}

static pte_t *walk(uint64_t root, uint64_t va, bool alloc)
{
    pte_t *leaf = lookup(root, va);
    if (leaf || !alloc)
        return leaf;
    pte_t *t = table_va(root);
    for (int level = 2; level > 0; level--) {
        pte_t *e = &t[pte_index(va, level)];
        if (!(*e & PTE_V)) {
            uint64_t pa;
            if (!alloc || !(pa = page_alloc()))
                return NULL;
            *e = (pa >> 2) | PTE_V;
        } else if (*e & PTE_LEAF) {
            return NULL;
        }
        t = table_va(pte_pa(*e));
    }
    return &t[pte_index(va, 0)];
}

static pte_t leaf_flags(unsigned prot)
{
    pte_t flags = PTE_V | PTE_A | PTE_D;
    flags |= (prot & PROT_R) ? PTE_R : 0;
    flags |= (prot & PROT_W) ? PTE_W : 0;
    flags |= (prot & PROT_X) ? PTE_X : 0;
    flags |= (prot & PROT_U) ? PTE_U : 0;
    return flags;
}

/*
 * Maps n pages at va (which must not cross a 2 MiB boundary) with one
 * walk: the migration path maps a whole activation this way. Nothing is
 * mapped unless all of it can be. *run names the entries for
 * pt_unmap_run, which so needs no walk; it is set only on success, stays
 * valid while the table does, and tables under a mapped run are never
 * freed.
 */
int pt_map_run(uint64_t root, uint64_t va, const uint64_t *pas, unsigned n, unsigned prot, void **run)
{
    pte_t *e = walk(root, va, true);
    if (!e)
        return E_NOMEM;
    for (unsigned i = 0; i < n; i++)
        if (e[i] & PTE_V)
            return E_BUSY;
    pte_t flags = leaf_flags(prot);
    for (unsigned i = 0; i < n; i++)
        e[i] = (pas[i] >> 2) | flags;
    *run = e;
    return 0;
}

/* Unmaps the n pages pt_map_run mapped at va and flushes them from this hart's TLB. */
void pt_unmap_run(void *run, uint64_t va, unsigned n, uint16_t asid)
{
    pte_t *e = run;
    for (unsigned i = 0; i < n; i++, va += PAGE_SIZE) {
        e[i] = 0;
        __asm__ volatile("sfence.vma %0, %1" : : "r"(va), "r"((uint64_t)asid) : "memory");
    }
}

int pt_map(uint64_t root, uint64_t va, uint64_t pa, unsigned prot)
{
    pte_t *e = walk(root, va, true);
    if (!e)
        return E_NOMEM;
    if (*e & PTE_V)
        return E_BUSY;
    *e = (pa >> 2) | leaf_flags(prot);
    return 0;
}

/*
 * Makes the entry at va invalid but keeps its frame in it, so the walker
 * no longer uses it and the frame is not given back before a shootdown
 * (aspace_unmap); pt_unmap takes it out afterwards. False if nothing was
 * mapped there.
 */
bool pt_revoke(uint64_t root, uint64_t va)
{
    pte_t *e = walk(root, va, false);
    if (!e || !(*e & PTE_V))
        return false;
    *e &= ~PTE_V;
    return true;
}

/* Takes out a valid or a revoked entry and returns its frame, or 0. */
uint64_t pt_unmap(uint64_t root, uint64_t va)
{
    pte_t *e = walk(root, va, false);
    if (!e || !*e)
        return 0;
    uint64_t pa = pte_pa(*e);
    *e = 0;
    return pa;
}

static bool table_empty(const pte_t *t)
{
    for (int i = 0; i < PTES; i++)
        if (t[i])
            return false;
    return true;
}

/* Detaches an empty table and threads it onto the chain through its first word. */
static void chain_table(pte_t *parent_entry, uint64_t *chain)
{
    uint64_t pa = pte_pa(*parent_entry);
    *parent_entry = 0;
    *(uint64_t *)table_va(pa) = *chain;
    *chain = pa;
}

/*
 * Detaches the tables under [start, end) that no longer map anything, so
 * that unmapping gives back every page that mapping took. Other harts may
 * still hold the detached entries in their TLBs: the caller flushes before
 * pt_free_chain hands the pages back.
 */
uint64_t pt_prune(uint64_t root, uint64_t start, uint64_t end)
{
    uint64_t chain = 0;
    pte_t *r = table_va(root);
    for (uint64_t gb = start & ~((1ul << 30) - 1); gb < end; gb += 1ul << 30) {
        pte_t *e2 = &r[pte_index(gb, 2)];
        if (!(*e2 & PTE_V) || (*e2 & PTE_LEAF))
            continue;
        pte_t *l1 = table_va(pte_pa(*e2));
        uint64_t lo = gb > start ? gb : start, hi = gb + (1ul << 30) < end ? gb + (1ul << 30) : end;
        for (uint64_t mb = lo & ~((1ul << 21) - 1); mb < hi; mb += 1ul << 21) {
            pte_t *e1 = &l1[pte_index(mb, 1)];
            if ((*e1 & PTE_V) && !(*e1 & PTE_LEAF) && table_empty(table_va(pte_pa(*e1))))
                chain_table(e1, &chain);
        }
        if (table_empty(l1))
            chain_table(e2, &chain);
    }
    return chain;
}

void pt_free_chain(uint64_t chain)
{
    while (chain) {
        uint64_t next = *(uint64_t *)table_va(chain);
        page_free(chain);
        chain = next;
    }
}

bool pt_query(uint64_t root, uint64_t va, uint64_t *pa, unsigned *prot)
{
    pte_t *e = walk(root, va, false);
    if (!e || !(*e & PTE_V))
        return false;
    *pa = pte_pa(*e) | (va & (PAGE_SIZE - 1));
    *prot = ((*e & PTE_R) ? PROT_R : 0) | ((*e & PTE_W) ? PROT_W : 0) |
            ((*e & PTE_X) ? PROT_X : 0) | ((*e & PTE_U) ? PROT_U : 0);
    return true;
}

uint64_t mmu_kernel_satp(void)
{
    return SATP_MODE_SV39 | (kmap_root() >> 12);
}

static unsigned nasid_bits;

/*
 * Moves the boot hart from boot.S's table onto the kernel's own, and
 * probes the ASID width on the way: writes ones to satp.ASID and reads
 * back how many stuck.
 */
void mmu_init(void)
{
    kmap_init();
    /*
     * The walker must see the new tables before satp names them. The
     * boot table's leaves are global, so they match under any ASID: the
     * flush after the switch takes out those the few instructions in
     * between may have reloaded.
     */
    __asm__ volatile("sfence.vma" ::: "memory");
    uint64_t satp = mmu_kernel_satp();
    csr_write_satp(satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
    uint64_t got = (csr_read_satp() >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
    csr_write_satp(satp);
    __asm__ volatile("sfence.vma" ::: "memory");
    nasid_bits = (unsigned)__builtin_popcountl(got);
    /* asid_bits=N uses at most N: 0 runs every space as ASID 0, as a core without ASIDs does. */
    unsigned long cap = platform_arg("asid_bits", nasid_bits);
    if (cap < nasid_bits)
        nasid_bits = (unsigned)cap;
}

unsigned asid_bits(void) { return nasid_bits; }

void mmu_activate_kernel(void)
{
    csr_write_satp(mmu_kernel_satp());
}

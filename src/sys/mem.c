/* SPDX-License-Identifier: BSD-2-Clause */
/* The private-memory syscalls: mem_alloc, mem_free and devmem_map. */
#include <sys/handlers.h>
#include <sys/sys.h>
#include <base/platform.h>
#include <mm/aspace.h>
#include <migrant/errno.h>
#include <migrant/layout.h>
#include <migrant/rights.h>
#include <migrant/syscall.h>

#define DEVMEM_MAX (16ul << 20)

long sys_mem_alloc(struct trapframe *tf)
{
    uint64_t size = TF_ARG(tf, 0);
    if (size == 0)
        return E_INVAL;
    if (size > MEM_ALLOC_MAX)
        return E_RANGE;
    return aspace_alloc(caller()->as, page_round(size), USER_HEAP, USER_HEAP_END, RG_HEAP);
}

long sys_mem_free(struct trapframe *tf)
{
    uint64_t va = TF_ARG(tf, 0), size = TF_ARG(tf, 1);
    if ((va & (PAGE_SIZE - 1)) || size == 0)
        return E_INVAL;
    if (size > MEM_ALLOC_MAX)
        return E_NOENT;
    return aspace_unmap(caller()->as, va, page_round(size), RG_HEAP);
}

long sys_devmem_map(struct trapframe *tf)
{
    uint64_t pa = TF_ARG(tf, 0), size = TF_ARG(tf, 1);
    if (!caller_may(R_DEVMEM))
        return E_PERM;
    if ((pa & (PAGE_SIZE - 1)) || size == 0)
        return E_INVAL;
    if (size > DEVMEM_MAX)
        return E_RANGE;
    size = page_round(size);
    if (pa + size < pa || pa + size > ((uint64_t)DMAP_GIGS << 30) || platform_is_ram(pa, size))
        return E_INVAL;
    return aspace_map_device(caller()->as, pa, size);
}

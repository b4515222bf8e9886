/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/wxtest.h>

#ifdef WXTEST
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arch/layout.h>
#include <base/platform.h>
#include <base/printk.h>
#include <mm/page.h>

#define INSN_RET 0x00008067u     /* jalr zero, 0(ra) */

/* Whether the command line says `wxtest=<what>`. */
static bool asks_for(const char *what)
{
    const char *v = platform_arg_text("wxtest");
    size_t n = strlen(what);
    return v && strncmp(v, what, n) == 0 && (v[n] == ' ' || v[n] == 0);
}

/*
 * Writes back the word it read, so a kernel whose text is writable carries
 * on unharmed and says so. Not inlined: tools/runtest.py --wxcheck checks
 * that the panic's sepc lies in this function.
 */
static __attribute__((noinline)) void wxtest_store_text(void)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)wxtest_store_text;
    printk("WXTEST text: store to %lx\n", (uint64_t)(uintptr_t)p);
    *p = *p;
    panic("wxtest: the store to kernel text at %lx went through", (uint64_t)(uintptr_t)p);
}

/*
 * A fresh page holding one `ret`, written through the direct map and
 * called there: where the direct map is executable the call returns.
 * Not inlined: the panic's ra must lie in this function.
 */
static __attribute__((noinline)) void wxtest_jump_dmap(void)
{
    uint64_t pa = page_alloc();
    if (!pa)
        panic("wxtest: no page to jump into");
    uint32_t *code = pa_to_va(pa);
    code[0] = INSN_RET;
    /* The store must reach instruction fetch before the call. */
    __asm__ volatile("fence.i" ::: "memory");
    printk("WXTEST dmap: jump to %lx\n", (uint64_t)(uintptr_t)code);
    ((void (*)(void))(uintptr_t)code)();
    panic("wxtest: the jump into the direct map at %lx returned", (uint64_t)(uintptr_t)code);
}

void wxtest_run(void)
{
    if (asks_for("text"))
        wxtest_store_text();
    if (asks_for("dmap"))
        wxtest_jump_dmap();
}
#endif

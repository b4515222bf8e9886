/* SPDX-License-Identifier: BSD-2-Clause */
#include <arch/wxtest.h>

#ifdef WXTEST
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arch/layout.h>
#include <base/printk.h>
#include <mm/page.h>

#define INSN_RET 0x00008067u     /* jalr zero, 0(ra) */

/* Whether `word` is one of the command line's space-separated words. */
static bool has_word(const char *args, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = args; *p; p++)
        if ((p == args || p[-1] == ' ') && strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == 0))
            return true;
    return false;
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

void wxtest_run(const char *bootargs)
{
    if (has_word(bootargs, "wxtest=text"))
        wxtest_store_text();
    if (has_word(bootargs, "wxtest=dmap"))
        wxtest_jump_dmap();
}
#endif

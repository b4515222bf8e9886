/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RISC-V register frame a trap saves and the callee-saved context a
 * context switch saves, with the accessors generic code uses instead of
 * register numbers. trap.S takes the offsets from asm-offsets.c;
 * the static asserts below hold what it assumes beyond them.
 */
#ifndef ARCH_TRAPFRAME_H
#define ARCH_TRAPFRAME_H

#include <stddef.h>
#include <stdint.h>
#include <arch/csr.h>
#include <arch/layout.h>
#include <arch/kept.h>

/* Callee-saved registers at a context switch (context_switch in trap.S). */
struct context {
    uint64_t ra, sp, s[12];
};

struct trapframe {
    uint64_t regs[32];           /* regs[0] is sepc, regs[i] is xi for i >= 1 */
    uint64_t sstatus, scause, stval, pad;
};

_Static_assert(offsetof(struct trapframe, regs) == 0, "trap.S stores xi at i*8");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trap.S frame size");
_Static_assert(sizeof(struct trapframe) % 16 == 0, "the psABI keeps sp 16-byte aligned");
_Static_assert(offsetof(struct context, ra) == 0 && offsetof(struct context, sp) == 8 &&
               offsetof(struct context, s) == 16 && sizeof(struct context) == 14 * 8,
               "context_switch layout");

#define TF_PC(tf)     ((tf)->regs[0])
#define TF_SP(tf)     ((tf)->regs[2])
/* Syscall argument or result register i (a0 + i). */
#define TF_ARG(tf, i) ((tf)->regs[10 + (i)])
#define TF_SYSNO(tf)  ((tf)->regs[17])

/*
 * A fresh user context: user mode with interrupts on at pc, on sp, with
 * a0..a5 = args; every other register zero, so nothing of what ran
 * before shows.
 */
static inline void tf_init_user(struct trapframe *tf, uint64_t pc, uint64_t sp, const uint64_t args[6])
{
    *tf = (struct trapframe){ .sstatus = (csr_read_sstatus() & ~(SSTATUS_SPP | SSTATUS_SIE)) | SSTATUS_SPIE };
    TF_PC(tf) = pc;
    TF_SP(tf) = sp;
    for (int i = 0; i < 6; i++)
        TF_ARG(tf, i) = args[i];
}

/* What a syscall returns in a0 (a forked child's 0, say). */
static inline void tf_set_return(struct trapframe *tf, long v) { TF_ARG(tf, 0) = (uint64_t)v; }

/* tf_keep and tf_give_back move the registers of struct kept_regs (arch/kept.h). */

/* Register numbers of s2..s11 start at 18; s0 and s1 are x8 and x9. */
#define TF_S(tf, i)   ((tf)->regs[(i) < 2 ? 8 + (i) : 16 + (i)])

static inline void tf_keep(const struct trapframe *tf, struct kept_regs *k)
{
    k->ra = tf->regs[1];
    k->gp = tf->regs[3];
    k->tp = tf->regs[4];
    for (int i = 0; i < 12; i++)
        k->s[i] = TF_S(tf, i);
}

static inline void tf_give_back(struct trapframe *tf, const struct kept_regs *k)
{
    tf->regs[1] = k->ra;
    tf->regs[3] = k->gp;
    tf->regs[4] = k->tp;
    for (int i = 0; i < 12; i++)
        TF_S(tf, i) = k->s[i];
}

/* What a migration never hands over: t0-t6, a6 and a7 come back zero. */
static inline void tf_scrub_temps(struct trapframe *tf)
{
    uint64_t *r = tf->regs;
    r[5] = r[6] = r[7] = r[16] = r[17] = r[28] = r[29] = r[30] = r[31] = 0;
}

/*
 * A callee's kept registers: none of its caller's. With the temporaries
 * zeroed too, a callee gets pc, sp and a0..a5 and nothing else.
 */
static inline void tf_clear_kept(struct trapframe *tf)
{
    tf_give_back(tf, &(const struct kept_regs){ 0 });
}

#endif

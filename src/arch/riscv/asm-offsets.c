/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The struct offsets and constants that trap.S uses, taken from the C
 * structs themselves: the Makefile compiles this file to assembly only
 * (it is never linked) and turns each marker line below into a #define of
 * $(B)/gen/asm-offsets.h. A field that moves moves its offset with it, so
 * no assembly path carries a hand-written number.
 */
#include <stddef.h>
#include <base/hart.h>
#include <core/activation.h>
#include <core/proc.h>
#include <core/thread.h>
#include <mm/aspace.h>
#include <arch/trapframe.h>
#include <ck_epoch.h>

/* One line `@@asm-offset NAME VALUE` in the compiler's output. */
#define OFFSET(name, value) \
    __asm__ volatile("\n@@asm-offset " #name " %0" : : "i"((long)(value)))
#define FIELD(name, type, member) OFFSET(name, offsetof(type, member))

static inline int log2_exact(unsigned long v)
{
    return __builtin_ctzl(v);
}

void asm_offsets(void);
void asm_offsets(void)
{
    /* struct hart: the trap path's stacks, and what the fast path reads. */
    FIELD(HART_TLB_SEQ, struct hart, tlb_seq);
    FIELD(HART_KSTACK, struct hart, kstack_top);
    FIELD(HART_SCRATCH, struct hart, scratch);
    FIELD(HART_SCRATCH_T0, struct hart, scratch_t0);
    FIELD(HART_LINE_OFF, struct hart, line_off);
    FIELD(HART_HARTID, struct hart, hartid);
    FIELD(HART_BOOT, struct hart, boot);
    FIELD(HART_CURRENT, struct hart, current);
    FIELD(HART_CUR_AS, struct hart, cur_as);
    FIELD(HART_TLB_SEEN, struct hart, tlb_seen);
#ifdef LOCKING_bkl
    FIELD(HART_BKL, struct hart, bkl);
    FIELD(LOCK_WORD, struct lock, sl.value);
#endif

    /* The trap frame. */
    FIELD(TF_SSTATUS, struct trapframe, sstatus);
    FIELD(TF_SCAUSE, struct trapframe, scause);
    FIELD(TF_STVAL, struct trapframe, stval);

    /* struct thread and its activation stack. */
    FIELD(T_ID, struct thread, id);
    FIELD(T_PROC, struct thread, proc);
    FIELD(T_AS, struct thread, as);
    FIELD(T_WORK, struct thread, work);
    OFFSET(T_DEPTH, offsetof(struct thread, act) + offsetof(struct activation, depth));
    OFFSET(T_FRAME0, offsetof(struct thread, act) + offsetof(struct activation, frame));
    OFFSET(FRAME_SHIFT, log2_exact(sizeof(struct frame)));
    OFFSET(FRAME_SIZE, sizeof(struct frame));
    OFFSET(T_KEPT0, offsetof(struct thread, act) + offsetof(struct activation, kept));
    FIELD(K_RA, struct kept_regs, ra);
    FIELD(K_GP, struct kept_regs, gp);
    FIELD(K_TP, struct kept_regs, tp);
    FIELD(K_S0, struct kept_regs, s);
    FIELD(F_STATE, struct frame, state);
    FIELD(F_PROC, struct frame, proc);
    FIELD(F_PID, struct frame, pid);
    FIELD(F_EID, struct frame, eid);
    FIELD(F_RET_PC, struct frame, ret_pc);
    FIELD(F_RET_SP, struct frame, ret_sp);
    FIELD(F_BASE, struct frame, base);
    FIELD(F_SIZE, struct frame, size);
    FIELD(F_VA, struct frame, va);
    FIELD(F_BELOW, struct frame, below);
    FIELD(F_ASYNC, struct frame, async);
    OFFSET(FRAME_PARKED, FRAME_PARKED);
    OFFSET(FRAME_ACTIVE, FRAME_ACTIVE);
    OFFSET(FRAME_GONE, FRAME_GONE);

    /* struct proc and its per-hart counts. */
    FIELD(P_AS, struct proc, as);
    FIELD(P_ACT_SIZE, struct proc, act_size);
    FIELD(P_STATE, struct proc, state);
    FIELD(P_ACTIVE, struct proc, active);
    FIELD(P_ENTRY, struct proc, entry);
    FIELD(P_SIGNALS, struct proc, signals);
    OFFSET(P_ALIVE, P_ALIVE);
    OFFSET(P_EXEC, P_EXEC);

    /* struct aspace. */
    FIELD(AS_SATP, struct aspace, satp);
    FIELD(AS_ASID, struct aspace, asid);
    FIELD(AS_SEEN_OFF, struct aspace, seen_off);
    FIELD(AS_FLUSH_GEN, struct aspace, flush_gen);
}

_Static_assert((sizeof(struct frame) & (sizeof(struct frame) - 1)) == 0, "frame[depth] is a shift");
_Static_assert((sizeof(struct proc_count) & (sizeof(struct proc_count) - 1)) == 0, "active[index] is a shift");
_Static_assert(sizeof(((struct frame *)0)->state) == 4 && sizeof(((struct proc *)0)->state) == 4,
               "trap.S reads the states as words");
_Static_assert(sizeof(((struct thread *)0)->work) == 4 && sizeof(((struct hart *)0)->index) == 4,
               "trap.S reads work and index as words");
_Static_assert(sizeof(((struct aspace *)0)->asid) == 2, "trap.S reads the ASID as a halfword");
_Static_assert(sizeof(((ck_epoch_record_t *)0)->active) == 4 && sizeof(((struct ck_epoch *)0)->epoch) == 4,
               "trap.S writes the epoch record as words");

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one kernel entry path and the one exit path.
 *
 * sscratch holds the struct hart pointer while the hart runs user code and
 * 0 while it runs kernel code; swapping it with tp tells the two apart
 * without touching memory. The kernel runs with interrupts off, so a trap
 * from S-mode is an exception (a bug) or an interrupt taken in the idle loop.
 */
#include <arch/layout.h>
#include <asm-offsets.h>
#include <migrant/syscall.h>
#include <arch/entry.h>

.macro SAVE_GPRS
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x5, 5*8(sp)
    sd      x6, 6*8(sp)
    sd      x7, 7*8(sp)
    sd      x8, 8*8(sp)
    sd      x9, 9*8(sp)
    sd      x10, 10*8(sp)
    sd      x11, 11*8(sp)
    sd      x12, 12*8(sp)
    sd      x13, 13*8(sp)
    sd      x14, 14*8(sp)
    sd      x15, 15*8(sp)
    sd      x16, 16*8(sp)
    sd      x17, 17*8(sp)
    sd      x18, 18*8(sp)
    sd      x19, 19*8(sp)
    sd      x20, 20*8(sp)
    sd      x21, 21*8(sp)
    sd      x22, 22*8(sp)
    sd      x23, 23*8(sp)
    sd      x24, 24*8(sp)
    sd      x25, 25*8(sp)
    sd      x26, 26*8(sp)
    sd      x27, 27*8(sp)
    sd      x28, 28*8(sp)
    sd      x29, 29*8(sp)
    sd      x30, 30*8(sp)
    sd      x31, 31*8(sp)
.endm

.macro RESTORE_GPRS
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
.endm

/* The words a migration hands over, a0..a5, at their places in the frame. */
.macro SAVE_WORDS
    sd      a0, 10*8(sp)
    sd      a1, 11*8(sp)
    sd      a2, 12*8(sp)
    sd      a3, 13*8(sp)
    sd      a4, 14*8(sp)
    sd      a5, 15*8(sp)
.endm

.macro LOAD_WORDS
    ld      a0, 10*8(sp)
    ld      a1, 11*8(sp)
    ld      a2, 12*8(sp)
    ld      a3, 13*8(sp)
    ld      a4, 14*8(sp)
    ld      a5, 15*8(sp)
.endm

/*
 * The kept registers but tp, zeroed for a callee (tp still holds the hart
 * until the last instruction; the callee's zero goes through the frame).
 */
.macro ZERO_KEPT
    li      ra, 0
    li      gp, 0
    li      s0, 0
    li      s1, 0
    li      s2, 0
    li      s3, 0
    li      s4, 0
    li      s5, 0
    li      s6, 0
    li      s7, 0
    li      s8, 0
    li      s9, 0
    li      s10, 0
    li      s11, 0
.endm

/* The kept registers but tp (swapped with sscratch) at their places in the frame. */
.macro SAVE_KEPT
    sd      ra, 1*8(sp)
    sd      gp, 3*8(sp)
    sd      s0, 8*8(sp)
    sd      s1, 9*8(sp)
    .irp r, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
    sd      x\r, \r*8(sp)
    .endr
.endm

.macro LOAD_KEPT
    ld      ra, 1*8(sp)
    ld      gp, 3*8(sp)
    ld      s0, 8*8(sp)
    ld      s1, 9*8(sp)
    .irp r, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
    ld      x\r, \r*8(sp)
    .endr
.endm

.macro ZERO_TEMPS_BUT_A7
    li      t1, 0
    li      t2, 0
    li      t3, 0
    li      t4, 0
    li      t5, 0
    li      t6, 0
    li      a6, 0
.endm

.macro ZERO_TEMPS
    ZERO_TEMPS_BUT_A7
    li      a7, 0
.endm

.if SYS_IPC_RESP != 0 || SYS_IPC_REQ != 1 || SYS_IPC_FWD > 4 || SYS_IPC_TAIL > 4 || SYS_IPC_KICK != 4
.error "trap_entry and ipc_entry need the migration calls numbered 0..4, resp 0"
.endif

    .section .text
    .balign 4
    .globl trap_entry
trap_entry:
    csrrw   tp, sscratch, tp
    beqz    tp, 1f
    /*
     * From user: tp is our hart. req, fwd, tail, kick and resp take the
     * migration path below, still on the user sp: its fast path touches
     * no stack, and it takes the kernel stack itself where it needs one.
     */
    sd      t0, HART_SCRATCH_T0(tp)
    csrr    t0, scause
    addi    t0, t0, -8               /* environment call from U-mode */
    bnez    t0, 3f
    sltiu   t0, a7, SYS_IPC_KICK + 1  /* the five are numbered 0..4 (migrant/syscall.h) */
    bnez    t0, ipc_entry
3:  /* Any other trap: the thread's kernel stack. */
    sd      sp, HART_SCRATCH(tp)
    ld      sp, HART_KSTACK(tp)
    addi    sp, sp, -TF_SIZE
    ld      t0, HART_SCRATCH_T0(tp)
    SAVE_GPRS
    ld      t0, HART_SCRATCH(tp)
    sd      t0, 2*8(sp)
    csrrw   t0, sscratch, zero
    sd      t0, 4*8(sp)
    j       2f
1:  /* From the kernel: the real tp went to sscratch. */
    csrrw   tp, sscratch, zero
    /*
     * A user sp here means a trap inside the migration path before it took
     * a stack, which is a kernel bug: the frame goes on the thread's kernel
     * stack (that path leaves it unused), so the panic gets reported rather
     * than the frame's stores faulting on the user page again and again.
     */
    bltz    sp, 5f
    ld      sp, HART_KSTACK(tp)
5:  addi    sp, sp, -TF_SIZE
    SAVE_GPRS
    addi    t0, sp, TF_SIZE
    sd      t0, 2*8(sp)
    sd      tp, 4*8(sp)
2:  csrr    t0, sepc
    sd      t0, 0(sp)
    csrr    t0, sstatus
    sd      t0, TF_SSTATUS(sp)
    csrr    t0, scause
    sd      t0, TF_SCAUSE(sp)
    csrr    t0, stval
    sd      t0, TF_STVAL(sp)
    mv      a0, sp
    call    trap_handle

    .globl trap_exit
trap_exit:
    ld      t0, TF_SSTATUS(sp)
    csrw    sstatus, t0
    ld      t0, 0(sp)
    csrw    sepc, t0
    ld      t0, TF_SSTATUS(sp)
    andi    t0, t0, 0x100            /* SPP: returning to S-mode? */
    bnez    t0, 3f
    csrw    sscratch, tp
    RESTORE_GPRS
    ld      tp, 4*8(sp)
    ld      sp, 2*8(sp)
    sret
3:  RESTORE_GPRS
    ld      sp, 2*8(sp)
    sret

/*
 * The migration path: req, fwd, tail, kick and resp. The kernel keeps a
 * caller's ra, gp, tp and s0-s11 (struct kept_regs, in kept[depth] beside
 * the frames) from its call to the call's return, so user code saves
 * nothing around a call (docs/ipc.md, "The register contract"): a callee
 * enters with pc, sp and a0..a5 and every other register zero; a caller
 * resumes with its kept registers, sp, a0..a5, and t0-t6, a6, a7 zero.
 *
 * With FASTPATH (the default), the common request (req into the frame this
 * depth parked last time) and the common response are done here, with the
 * words in registers, no trap frame and no C call. Its C specification is
 * ipc/migrate.c: call() through activation_push_parked() for req, resp()
 * for resp, and ipc_entered() around both; each block below names the C it
 * stands for, and the differential test (tests.list: stress-diff FASTPATH=0
 * against the default) holds the two to the same results. Every check
 * that fails before the point of no return leaves everything as it found
 * it and goes to the C path (ipc_slow), which decides again from scratch.
 *
 * The path runs on the caller's sp, which it never dereferences: it takes
 * the thread's kernel stack only around a C call (ON_KSTACK) and for the C
 * path and the full exit (ipc_slow, ipc_work). sp becomes the new context's
 * at the point of no return.
 *
 * Registers: t1 the thread, t2 its depth; t3 the thread plus depth *
 * FRAME_SIZE, so TOP(x) and NEXT(x) address field x of frame[depth] and
 * frame[depth + 1], then the tp to leave with; t4 the kept registers'
 * base (req), or the responder (resp); t5 the callee (req) or the process
 * below (resp), then the space to switch to. a6 holds the caller's tp
 * from the first instruction: no migration call takes a6, and every one
 * gives it back zero. t0 and t6 are scratch; a0..a5 and a7 stay the
 * caller's until the point of no return, ra until a C call.
 */
#define TOP(field)  (T_FRAME0 + (field))
#define NEXT(field) (T_FRAME0 + FRAME_SIZE + (field))
.if NEXT(F_ASYNC) > 2047 || TOP(F_STATE) < 0
.error "frame fields out of reach of a load's offset"
.endif
/*
 * kept[depth] lies T_KEPT0 past the thread plus depth * FRAME_SIZE (the
 * two arrays have one stride), beyond a load's reach: one lui of
 * KEPT_BIAS (a multiple of 4096) on top of t3 brings it back in.
 * KEPT(field) is then field of kept[depth], UNDER(field) of kept[depth - 1].
 */
#define KEPT_BIAS   ((T_KEPT0 + 2048) & ~4095)
#define KEPT(field) (T_KEPT0 - KEPT_BIAS + (field))
#define UNDER(field) (KEPT(field) - FRAME_SIZE)
.if UNDER(K_RA) < -2048 || KEPT(K_S0 + 11 * 8) > 2047
.error "kept registers out of reach of a load's offset"
.endif

/* tf_keep(): the caller's kept registers into kept[depth] at \base; its tp is in a6. */
.macro KEEP_REGS base
    sd      ra, KEPT(K_RA)(\base)
    sd      gp, KEPT(K_GP)(\base)
    sd      a6, KEPT(K_TP)(\base)
    .irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    sd      s\i, KEPT(K_S0 + \i * 8)(\base)
    .endr
.endm

/* tf_give_back(): the registers kept[depth - 1] at \base holds; tp goes to t3, for the exit. */
.macro GIVE_BACK base
    ld      ra, UNDER(K_RA)(\base)
    ld      gp, UNDER(K_GP)(\base)
    .irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ld      s\i, UNDER(K_S0 + \i * 8)(\base)
    .endr
    ld      t3, UNDER(K_TP)(\base)
.endm
.if HART_TLB_SEQ != 0 || P_ALIVE != 0
.error "trap.S assumes tlb_seq first in struct hart, P_ALIVE zero"
.endif

#if defined(FASTPATH) && defined(LOCKING_bkl)
/* tlb_enter_fast counts the entry before the big lock (TLB_FAST_ENTRY). */
#define TLB_FAST_STEP 1
#else
#define TLB_FAST_STEP 2
#endif

/*
 * Around a C call of the asm path: the thread's kernel stack, whose top
 * the path leaves unused, with the sp it ran on kept in hart.scratch.
 */
.macro ON_KSTACK
    sd      sp, HART_SCRATCH(tp)
    ld      sp, HART_KSTACK(tp)
    addi    sp, sp, -TF_SIZE
.endm

.macro OFF_KSTACK
    ld      sp, HART_SCRATCH(tp)
.endm

/* The caller's words, return address and tp (in a6), around a C call of the asm path. */
.macro SAVE_ARGS
    sd      ra, 1*8(sp)
    SAVE_WORDS
    sd      a6, 16*8(sp)
    sd      a7, 17*8(sp)
.endm

.macro LOAD_ARGS
    ld      ra, 1*8(sp)
    LOAD_WORDS
    ld      a6, 16*8(sp)
    ld      a7, 17*8(sp)
.endm

/* A C call from the asm path, with only the caller's words kept. */
.macro CALL_KEEPING_ARGS fn
    ON_KSTACK
    SAVE_ARGS
    call    \fn
    LOAD_ARGS
    OFF_KSTACK
.endm

ipc_entry:
    /* sscratch is 0 while in the kernel; the user tp waits in a6. */
    csrrw   a6, sscratch, zero
#ifdef FASTPATH
    /* ipc_fast's entry: tlb_enter_fast (bkl only), then kernel_enter. */
#ifdef LOCKING_bkl
    li      t0, 1
    amoadd.w.aqrl zero, t0, (tp)     /* h->tlb_seq, before the lock (mm/tlb.h) */
#if defined(LOCKDEBUG) || defined(INJECT)
    CALL_KEEPING_ARGS kernel_enter
#else
    /*
     * spin_lock(&bkl): test-and-set with t0 still 1; the .aq orders the
     * kernel's accesses after it. A held lock is watched with loads.
     */
    ld      t6, HART_BKL(tp)
bkl_try:
    amoswap.w.aq t0, t0, LOCK_WORD(t6)
    bnez    t0, bkl_spin
#endif
#endif
#ifdef INJECT
    /* call() and resp() start with inject_delay(). */
    CALL_KEEPING_ARGS inject_delay
#endif
    beqz    a7, resp_fast                /* SYS_IPC_RESP */
    addi    t0, a7, -SYS_IPC_REQ
    bnez    t0, ipc_slow

/* req: call(t, tf, 0), when activation_push_parked() succeeds. */
req_fast:
    /* if (unlikely(pid <= 0)) E_INVAL */
    blez    a0, ipc_slow
    /*
     * struct activation *a = &t->act; struct frame *f = &a->frame[a->depth + 1];
     * at the deepest depth, the spare record, never PARKED
     */
    ld      t1, HART_CURRENT(tp)
    lw      t2, T_DEPTH(t1)
    slli    t3, t2, FRAME_SHIFT
    add     t3, t3, t1
    /*
     * find_callee(): f->state == FRAME_PARKED && f->pid == pid. No
     * epoch section: these loads, and the two checks below, may read a
     * process that teardown has taken f back from and freed (the direct
     * map keeps the memory readable), but then f is GONE and the claim
     * below fails; nothing is written before it.
     */
    lw      t0, NEXT(F_STATE)(t3)
    addi    t0, t0, -FRAME_PARKED
    bnez    t0, ipc_slow
    ld      t0, NEXT(F_PID)(t3)
    bne     t0, a0, ipc_slow
    ld      t5, NEXT(F_PROC)(t3)
    /* f->base != activation_next_base(a): top->below */
    ld      t0, TOP(F_BELOW)(t3)
    ld      t6, NEXT(F_BASE)(t3)
    bne     t0, t6, ipc_slow
    /* f->size != callee->act_size */
    ld      t0, NEXT(F_SIZE)(t3)
    ld      t6, P_ACT_SIZE(t5)
    bne     t0, t6, ipc_slow
    /*
     * activation_enter_parked(): the claim, ck_pr_cas_int(&f->state,
     * FRAME_PARKED, FRAME_ACTIVE), as a swap. Only teardown changes a
     * PARKED frame (to GONE), and a GONE frame is this thread's alone
     * (activation_evict unlinked it), so a swap that finds GONE puts it
     * back and nobody saw the ACTIVE in between. From here f keeps the
     * callee's memory valid: teardown waits for a frame it finds claimed.
     */
    addi    t6, t3, NEXT(F_STATE)
    li      t4, FRAME_ACTIVE
    amoswap.w.aqrl t0, t4, (t6)
    addi    t0, t0, -FRAME_PARKED
    bnez    t0, req_gone
    /*
     * activation_count_active(callee, 1), by t4's 1 (FRAME_ACTIVE): one
     * AMO with .aq and .rl, as the C's sequentially consistent add. With
     * the swap's .aqrl it orders the claim's store and the count's before
     * the state load below (the store-buffering shape against a closer:
     * activation_enter_parked).
     */
    ld      t0, HART_LINE_OFF(tp)
    ld      t6, P_ACTIVE(t5)
    add     t6, t6, t0
    amoadd.d.aqrl zero, t4, (t6)
    /* if (unlikely(!proc_open(callee))) activation_unclaim(f) */
    lw      t0, P_STATE(t5)
    bnez    t0, req_refused
    /*
     * Point of no return. eid = top->pid; f->eid, ret_pc, ret_sp
     * (f->async and f->crit are 0 in a parked frame); a->depth++.
     */
    ld      a0, TOP(F_PID)(t3)
    sd      a0, NEXT(F_EID)(t3)
    csrr    t0, sepc
    addi    t0, t0, 4
    sd      t0, NEXT(F_RET_PC)(t3)
    sd      sp, NEXT(F_RET_SP)(t3)
    /*
     * tf_keep(tf, &a->kept[a->depth - 1]), then tf_clear_kept(tf):
     * kept[depth], the depth before the push.
     */
    lui     t4, KEPT_BIAS >> 12
    add     t4, t4, t3
    KEEP_REGS t4
    ZERO_KEPT
    addi    t2, t2, 1
    sw      t2, T_DEPTH(t1)
    /*
     * enter _start(eid, tid, d0..d3) at callee->entry on the frame's top
     * (f->va: its way's window), with tp and a7 zero
     */
    ld      a1, T_ID(t1)
    ld      t0, P_ENTRY(t5)
    csrw    sepc, t0
    ld      sp, NEXT(F_VA)(t3)
    li      t3, 0
    li      a7, 0
    ld      t5, P_AS(t5)
    j       ipc_depart

#if defined(LOCKING_bkl) && !defined(LOCKDEBUG) && !defined(INJECT)
/* The big lock is held: wait until it reads free, then try again. */
bkl_spin:
    lw      t0, LOCK_WORD(t6)
    bnez    t0, bkl_spin
    li      t0, 1
    j       bkl_try
#endif

/* The swap found f GONE: it is ours again, as it was (see the claim). */
req_gone:
    li      t0, FRAME_GONE
    sw      t0, NEXT(F_STATE)(t3)
    j       ipc_slow

/* Claimed and counted, but the callee closed: activation_unclaim(f), then the C path. */
req_refused:
    ON_KSTACK
    SAVE_ARGS
    addi    a0, t3, NEXT(0)
    call    activation_unclaim
    LOAD_ARGS
    OFF_KSTACK
    j       ipc_slow

/* resp: resp() in the common case. */
resp_fast:
    /* if (a->depth == 0) E_INVAL */
    ld      t1, HART_CURRENT(tp)
    lw      t2, T_DEPTH(t1)
    beqz    t2, ipc_slow
    slli    t3, t2, FRAME_SHIFT
    add     t3, t3, t1
    /* f = activation_top(a), below = f - 1: f->async, !proc_alive(below->proc) */
    lbu     t0, TOP(F_ASYNC)(t3)
    bnez    t0, ipc_slow
    ld      t5, TOP(F_PROC - FRAME_SIZE)(t3)
    lw      t0, P_STATE(t5)
    sltiu   t0, t0, P_EXEC + 1
    beqz    t0, ipc_slow
    /*
     * a->depth == 1 && t->proc->signals: the root frame takes its signals
     * in C. t2 is the depth after the pop from here (the C path does not
     * read it).
     */
    addi    t2, t2, -1
    bnez    t2, 1f
    ld      t0, T_PROC(t1)
    ld      t0, P_SIGNALS(t0)
    bnez    t0, ipc_slow
1:  /* Point of no return: {0, f->pid, d0..d3} at f->ret_pc, f->ret_sp. */
    ld      t0, TOP(F_RET_PC)(t3)
    csrw    sepc, t0
    ld      t4, TOP(F_PROC)(t3)
    ld      a1, TOP(F_PID)(t3)
    li      a0, 0
    /*
     * activation_pop(): a->depth--; activation_park(f), whose clearing of
     * f->async and f->crit has nothing to do: async is 0 (tested above),
     * and crit is set only with it (force_migration).
     */
    sw      t2, T_DEPTH(t1)
    ld      sp, TOP(F_RET_SP)(t3)
    li      t0, FRAME_PARKED
    sw      t0, TOP(F_STATE)(t3)
    /*
     * activation_count_active(p, -1): PARKED must be visible before the
     * count drops (activation_park says why); the AMO's .rl orders the
     * store before it, its .aq the state load after it.
     */
    ld      t0, HART_LINE_OFF(tp)
    ld      t6, P_ACTIVE(t4)
    add     t6, t6, t0
    li      t0, -1
    amoadd.d.aqrl zero, t0, (t6)
    /* if (unlikely(!proc_open(p))) proc_vacated(p); */
    lw      t0, P_STATE(t4)
    bnez    t0, resp_vacated
resp_parked:
    /* tf_give_back(tf, &a->kept[a->depth - 1]), the depth before the pop */
    lui     t4, KEPT_BIAS >> 12
    add     t4, t4, t3
    GIVE_BACK t4
    /* switch_to_top(t): the space of the process below */
    ld      t5, P_AS(t5)
    j       ipc_depart

resp_vacated:
    ON_KSTACK
    SAVE_WORDS
    sd      t1, 6*8(sp)
    sd      t3, 29*8(sp)
    sd      t5, 28*8(sp)
    mv      a0, t4
    call    proc_vacated
    LOAD_WORDS
    ld      t1, 6*8(sp)
    ld      t3, 29*8(sp)
    ld      t5, 28*8(sp)
    OFF_KSTACK
    j       resp_parked

/*
 * Both paths leave here: t1 the thread, t5 the space to run in, sp, sepc,
 * a0..a5, a7 and the kept registers set, the new context's tp in t3.
 */
ipc_depart:
    /*
     * t->as = as; aspace_activate(as): satp, cur_as by a release store.
     * ASID 0 needs no reset of tlb_seen[0] here: the return below checks
     * the generation of this very space (aspace_activate says why that is
     * enough); ipc_work, which leaves that check to C, resets it.
     */
    sd      t5, T_AS(t1)
    ld      t0, AS_SATP(t5)
    csrw    satp, t0
    ld      t6, AS_SEEN_OFF(t5)      /* the ASID * 8 */
    fence   rw, w
    sd      t5, HART_CUR_AS(tp)
    /* if (ck_pr_load_32(&t->work) != 0): the full exit, with a whole frame */
    lw      t0, T_WORK(t1)
    bnez    t0, ipc_work
    /*
     * tlb_return_fast(): the count must be visible before the generation
     * is read (mm/tlb.h, the store-buffering shape); the AMO's .rl also
     * orders the cur_as store before it.
     */
    li      t0, TLB_FAST_STEP
    amoadd.w.aqrl zero, t0, (tp)
    ld      t0, AS_FLUSH_GEN(t5)
    ld      t4, HART_TLB_SEEN(tp)
    add     t4, t4, t6
    ld      a6, 0(t4)
    beq     a6, t0, 2f
    lhu     t6, AS_ASID(t5)
    sfence.vma zero, t6
    sd      t0, 0(t4)
2:  /* kernel_depart(): the big lock goes last (bkl only). */
#if defined(FASTPATH) && defined(LOCKING_bkl)
#if defined(LOCKDEBUG) || defined(INJECT)
    ON_KSTACK
    SAVE_WORDS
    sd      ra, 1*8(sp)
    sd      t3, 28*8(sp)
    call    kernel_exit
    LOAD_WORDS
    ld      ra, 1*8(sp)
    ld      t3, 28*8(sp)
    OFF_KSTACK
#else
    /* spin_unlock(&bkl): the release orders the kernel's accesses before it. */
    ld      t6, HART_BKL(tp)
    amoswap.w.rl zero, zero, LOCK_WORD(t6)
#endif
#endif
    csrw    sscratch, tp
    mv      tp, t3
    ZERO_TEMPS_BUT_A7
    li      t0, 0
    sret

/*
 * Work is due on the migrated thread: the frame made whole for
 * ipc_finish and the full exit (ipc_entered's IPC_FULL after a
 * migration): the new context, its kept registers (zero for a callee)
 * and the temporaries zeroed (tf_scrub_temps).
 */
ipc_work:
    /* aspace_activate's reset for ASID 0, t6 the ASID * 8 */
    bnez    t6, 1f
    ld      t0, HART_TLB_SEEN(tp)
    sd      zero, 0(t0)
1:  mv      t0, sp
    ld      sp, HART_KSTACK(tp)
    addi    sp, sp, -TF_SIZE
    sd      t0, 2*8(sp)
    sd      t3, 4*8(sp)
    csrr    t0, sepc
    sd      t0, 0(sp)
    SAVE_WORDS
    SAVE_KEPT
    .irp r, 5, 6, 7, 16, 17, 28, 29, 30, 31
    sd      zero, \r*8(sp)
    .endr
    csrr    t0, sstatus
    sd      t0, TF_SSTATUS(sp)
    /* tlb_fast_falls_back(): the full exit counts its return to user as one. */
#if TLB_FAST_STEP == 2
    li      t0, 1
    amoadd.w.aqrl zero, t0, (tp)
#endif
    mv      a0, sp
    call    ipc_finish
    j       trap_exit
#endif

/*
 * The C path: a frame of pc, sp, a0..a7 and the kept registers, which C
 * takes from it (tf_keep) and gives back in it (tf_give_back).
 */
ipc_slow:
    mv      t0, sp
    ld      sp, HART_KSTACK(tp)
    addi    sp, sp, -TF_SIZE
    sd      t0, 2*8(sp)
    sd      a6, 4*8(sp)
    SAVE_WORDS
    sd      a7, 17*8(sp)
    SAVE_KEPT
    csrr    t0, sepc
    addi    t0, t0, 4
    sd      t0, 0(sp)
    mv      a0, sp
#ifdef FASTPATH
    call    ipc_entered
#else
    call    ipc_fast
#endif
.if IPC_SAME != 0
.error "the test below needs IPC_SAME == 0"
.endif
    beqz    a0, ipc_exit_same
    addi    a0, a0, -IPC_LIGHT
    beqz    a0, ipc_exit_light
    addi    a0, a0, IPC_LIGHT - IPC_INCOMPLETE
    bnez    a0, 4f                   /* IPC_FULL */
    /* Work is due after a failed call: the temporaries complete the frame. */
    sd      zero, 6*8(sp)
    sd      zero, 7*8(sp)
    sd      zero, 16*8(sp)
    sd      zero, 17*8(sp)
    sd      zero, 28*8(sp)
    sd      zero, 29*8(sp)
    sd      zero, 30*8(sp)
    sd      zero, 31*8(sp)
    /* ipc_fast never switches threads, so sstatus is still the trap's. */
4:  csrr    t0, sstatus
    sd      t0, TF_SSTATUS(sp)
    mv      a0, sp
    call    ipc_finish
    j       trap_exit

/* The call failed: the caller's registers are live but for what C used. */
ipc_exit_same:
    ld      t0, 0(sp)
    csrw    sepc, t0
    ld      ra, 1*8(sp)
    LOAD_WORDS
    ZERO_TEMPS
    li      t0, 0
    csrw    sscratch, tp
    ld      tp, 4*8(sp)
    ld      sp, 2*8(sp)
    sret

/* Migrated: pc, sp, a0..a5 and the kept registers are the new context's; the temporaries are zero. */
ipc_exit_light:
    ld      t0, 0(sp)
    csrw    sepc, t0
    LOAD_WORDS
    LOAD_KEPT
    csrw    sscratch, tp
    ld      tp, 4*8(sp)
    ZERO_TEMPS
    li      t0, 0
    ld      sp, 2*8(sp)
    sret

/*
 * struct thread *context_switch(struct context *from, struct context *to,
 *                               struct thread *prev)
 * Saves the callee-saved registers of the running thread and resumes `to`,
 * which returns `prev` so the thread that now runs can finish the switch.
 */
    .globl context_switch
context_switch:
    sd      ra, 0(a0)
    sd      sp, 8(a0)
    sd      s0, 16(a0)
    sd      s1, 24(a0)
    sd      s2, 32(a0)
    sd      s3, 40(a0)
    sd      s4, 48(a0)
    sd      s5, 56(a0)
    sd      s6, 64(a0)
    sd      s7, 72(a0)
    sd      s8, 80(a0)
    sd      s9, 88(a0)
    sd      s10, 96(a0)
    sd      s11, 104(a0)
    ld      ra, 0(a1)
    ld      sp, 8(a1)
    ld      s0, 16(a1)
    ld      s1, 24(a1)
    ld      s2, 32(a1)
    ld      s3, 40(a1)
    ld      s4, 48(a1)
    ld      s5, 56(a1)
    ld      s6, 64(a1)
    ld      s7, 72(a1)
    ld      s8, 80(a1)
    ld      s9, 88(a1)
    ld      s10, 96(a1)
    ld      s11, 104(a1)
    mv      a0, a2
    ret

/* A new thread's first switch lands here with sp at its prepared trap frame. */
    .globl thread_trampoline
thread_trampoline:
    call    entry_first_run
    j       trap_exit

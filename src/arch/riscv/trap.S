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

.macro ZERO_TEMPS
    li      t1, 0
    li      t2, 0
    li      t3, 0
    li      t4, 0
    li      t5, 0
    li      t6, 0
    li      a6, 0
    li      a7, 0
.endm

    .section .text
    .balign 4
    .globl trap_entry
trap_entry:
    csrrw   tp, sscratch, tp
    beqz    tp, 1f
    /* From user: tp is our hart; switch to the thread's kernel stack. */
    sd      sp, HART_SCRATCH(tp)
    ld      sp, HART_KSTACK(tp)
    addi    sp, sp, -TF_SIZE
    /* req, fwd, tail, kick and resp take the migration path below. */
    sd      t0, 5*8(sp)
    csrr    t0, scause
    addi    t0, t0, -8               /* environment call from U-mode */
    bnez    t0, 3f
    addi    t0, a7, -SYS_IPC_REQ
    sltiu   t0, t0, SYS_IPC_RESP - SYS_IPC_REQ + 1
    bnez    t0, ipc_entry
3:  ld      t0, 5*8(sp)
    SAVE_GPRS
    ld      t0, HART_SCRATCH(tp)
    sd      t0, 2*8(sp)
    csrrw   t0, sscratch, zero
    sd      t0, 4*8(sp)
    j       2f
1:  /* From the kernel: the real tp went to sscratch. */
    csrrw   tp, sscratch, zero
    addi    sp, sp, -TF_SIZE
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
 * The migration path. The user stubs (user/ipc.S) keep their own callee-
 * saved registers, so only ra, sp, tp, pc and a0..a7 are saved here (and
 * sstatus if the full exit is taken); s0-s11 and gp stay live in their
 * registers, which C preserves.
 * ipc_fast says how to leave (the IPC_* codes in arch/entry.h).
 */
ipc_entry:
    sd      ra, 1*8(sp)
    ld      t0, HART_SCRATCH(tp)
    sd      t0, 2*8(sp)
    csrrw   t0, sscratch, zero
    sd      t0, 4*8(sp)
    sd      a0, 10*8(sp)
    sd      a1, 11*8(sp)
    sd      a2, 12*8(sp)
    sd      a3, 13*8(sp)
    sd      a4, 14*8(sp)
    sd      a5, 15*8(sp)
    sd      a7, 17*8(sp)
    csrr    t0, sepc
    addi    t0, t0, 4
    sd      t0, 0(sp)
    mv      a0, sp
    call    ipc_fast
.if IPC_SAME != 0
.error "the test below needs IPC_SAME == 0"
.endif
    beqz    a0, ipc_exit_same
    addi    a0, a0, -IPC_LIGHT
    beqz    a0, ipc_exit_light
    addi    a0, a0, IPC_LIGHT - IPC_INCOMPLETE
    bnez    a0, 4f                   /* IPC_FULL */
    /* Work is due after a failed call: make the frame whole first. */
    sd      gp, 3*8(sp)
    sd      s0, 8*8(sp)
    sd      s1, 9*8(sp)
    sd      s2, 18*8(sp)
    sd      s3, 19*8(sp)
    sd      s4, 20*8(sp)
    sd      s5, 21*8(sp)
    sd      s6, 22*8(sp)
    sd      s7, 23*8(sp)
    sd      s8, 24*8(sp)
    sd      s9, 25*8(sp)
    sd      s10, 26*8(sp)
    sd      s11, 27*8(sp)
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
    ld      a0, 10*8(sp)
    ld      a1, 11*8(sp)
    ld      a2, 12*8(sp)
    ld      a3, 13*8(sp)
    ld      a4, 14*8(sp)
    ld      a5, 15*8(sp)
    ZERO_TEMPS
    li      t0, 0
    csrw    sscratch, tp
    ld      tp, 4*8(sp)
    ld      sp, 2*8(sp)
    sret

/* Migrated: pc, sp and a0..a5 are the new context's; nothing else crosses. */
ipc_exit_light:
    ld      t0, 0(sp)
    csrw    sepc, t0
    ld      a0, 10*8(sp)
    ld      a1, 11*8(sp)
    ld      a2, 12*8(sp)
    ld      a3, 13*8(sp)
    ld      a4, 14*8(sp)
    ld      a5, 15*8(sp)
    csrw    sscratch, tp
    ZERO_TEMPS
    li      ra, 0
    li      gp, 0
    li      tp, 0
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

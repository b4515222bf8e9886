/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry from the firmware (OpenSBI directly, or U-Boot's booti) in S-mode:
 * a0 = hart id, a1 = physical address of the device tree. The image may be
 * loaded at any 2 MiB-aligned address, so everything before paging is
 * PC-relative. We build a boot table that maps the image at KERNEL_VBASE
 * and the direct map at DMAP_BASE, all RWX, for kmain only until mmu_init
 * moves onto the kernel's own tables (kmap.c), which every other hart
 * enables directly.
 *
 * Neither table maps the physical address we run at, so the fetch after
 * `csrw satp` faults. stvec points at the linked address of the next
 * instruction first, so that fault is the jump to the high address (as
 * Linux enters its page tables); then stvec points at boot_hang until
 * trap_init_hart sets the real vector.
 */
#include <arch/layout.h>
#include <asm-offsets.h>
#include <arch/pte.h>
#include <base/config.h>

#define BOOT_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G)

    .section .text.boot, "ax"
    .globl _start
_start:
    /*
     * A Linux-style RISC-V image header, so U-Boot's booti accepts us.
     * booti reads its fields at fixed offsets (the magic at 0x38), so the
     * jump must be a full 4-byte instruction: a compressed `j` would shift
     * every field by two bytes. QEMU's -kernel never reads the header.
     */
    .option push
    .option norvc
    j       boot_hart
    .word   0
    .dword  0x200000                 /* text_offset: load 2 MiB into RAM */
    .dword  __image_end - _start     /* image_size, bss included */
    .dword  0                        /* flags: little endian */
    .word   2                        /* header version 0.2 */
    .word   0
    .dword  0
    .ascii  "RISCV\0\0\0"
    .ascii  "RSC\x05"
    .word   0
    .option pop

boot_hart:
    csrw    sie, zero
    csrw    satp, zero
    /*
     * Only the first hart here boots. Under load the firmware has been seen
     * to send a hart started through HSM here instead of to its start
     * address; such a hart must not clear the bss under the running
     * kernel. It waits for the boot hart to publish its struct hart_boot
     * and continues as a secondary.
     */
    lla     t0, boot_claimed
    li      t1, 1
    amoswap.w.aqrl t1, t1, (t0)
    bnez    t1, late_hart
    mv      s0, a0
    mv      s1, a1
    lla     s2, _start               /* physical load address */
    li      t0, 0x1fffff
    and     t0, s2, t0
    bnez    t0, boot_hang            /* not 2 MiB aligned: cannot map */

    lla     t0, __bss_start
    lla     t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    lla     s3, boot_root
    /* Direct map: root[256 + i] -> gigabyte i. */
    li      t2, 0
    li      t3, DMAP_GIGS
    li      t4, 256 * 8
    add     t4, s3, t4
3:  slli    t0, t2, 28
    ori     t0, t0, BOOT_LEAF
    sd      t0, 0(t4)
    addi    t4, t4, 8
    addi    t2, t2, 1
    bltu    t2, t3, 3b
    /* The image: root[510] -> boot_kernel_l1, whose entries map 2 MiB pages. */
    lla     t5, boot_kernel_l1
    srli    t0, t5, 2
    ori     t0, t0, PTE_V
    li      t1, 510 * 8
    add     t1, s3, t1
    sd      t0, 0(t1)
    li      t2, 0
    li      t3, KERNEL_MEGAS
    mv      t6, s2
4:  srli    t0, t6, 2
    ori     t0, t0, BOOT_LEAF
    sd      t0, 0(t5)
    addi    t5, t5, 8
    li      t0, 0x200000
    add     t6, t6, t0
    addi    t2, t2, 1
    bltu    t2, t3, 4b

    srli    t0, s3, 12
    li      t1, 8
    slli    t1, t1, 60
    or      t0, t0, t1
    ld      t1, boot_high_addr
    csrw    stvec, t1
    sfence.vma
    csrw    satp, t0
    /* Faults: stvec takes us to the same instruction at its linked address. */
    .balign 4
boot_high:
    ld      t0, boot_hang_addr
    csrw    stvec, t0
    sfence.vma
    lla     sp, boot_stack_top
    mv      tp, zero
    mv      a0, s0
    mv      a1, s1
    mv      a2, s2
    call    kmain
boot_hang:
    wfi
    j       boot_hang

/* Finds this hart's published struct hart_boot by hart id (a0), physically. */
late_hart:
    lla     t0, harts
    li      t2, MAX_HARTS
1:  ld      t3, HART_HARTID(t0)
    bne     t3, a0, 2f
    ld      t3, HART_BOOT(t0)        /* satp: nonzero once published */
    beqz    t3, 2f
    addi    a1, t0, HART_BOOT
    j       secondary_entry
2:  li      t3, HART_SIZE
    add     t0, t0, t3
    addi    t2, t2, -1
    bnez    t2, 1b
    j       late_hart

/*
 * Secondary harts enter here from SBI HSM with a1 = physical address of
 * their struct hart_boot: { satp, stack top, struct hart * }.
 */
    .globl secondary_entry
secondary_entry:
    csrw    sie, zero
    ld      t0, 0(a1)
    ld      sp, 8(a1)
    ld      tp, 16(a1)
    ld      t1, secondary_high_addr
    csrw    stvec, t1
    sfence.vma
    csrw    satp, t0
    /* Faults into secondary_high, as at boot_high. */
    .balign 4
secondary_high:
    ld      t0, boot_hang_addr
    csrw    stvec, t0
    sfence.vma
    call    hart_main
    j       boot_hang

    /* Linked addresses, loaded before paging, where lla would give physical ones. */
    .balign 8
boot_high_addr:      .dword boot_high
secondary_high_addr: .dword secondary_high
boot_hang_addr:      .dword boot_hang

    .section .data
    .balign 4
boot_claimed:        .word 0

    .section .bss.boot, "aw", @nobits
    .balign 4096
boot_root:           .space 4096
boot_kernel_l1:      .space 4096
boot_stack:          .space 16384
boot_stack_top:

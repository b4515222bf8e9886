/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every lock class, one row each: LOCK_CLASS(id, name, rank, protects).
 * This is the one place a class is defined. The class enum (LC_<id>),
 * the names the LOCKDEBUG checker and the lock statistics print, and the
 * ranks the checker enforces are all expanded from these rows, and
 * `make check` compares them with the table in docs/locking.md
 * (tools/check_locks.py). A hart may take a lock only if its rank is above
 * that of every lock it already holds; the kernel runs with interrupts
 * off, so every lock is taken with interrupts off.
 *
 * No include guard: an includer defines LOCK_CLASS, includes this file and
 * undefines it again.
 */
LOCK_CLASS(BKL,     "big kernel lock", 0,  "all kernel state, in the LOCKING=bkl build only (never ranked)")
LOCK_CLASS(IDTABLE, "idtable",         10, "one id table's free slots and generations")
LOCK_CLASS(FAMILY,  "family",          15, "every process's parent/child links, waiter and reaped")
LOCK_CLASS(PROC,    "proc",            20, "one process's state, threads, counts and shared regions")
LOCK_CLASS(ACT,     "act",             25, "one process's frames inside it and its activation window")
LOCK_CLASS(ASPACE,  "aspace",          30, "one address space's regions and user page table")
LOCK_CLASS(ASID,    "asid",            35, "the live-ASID bitmap and the rover")
LOCK_CLASS(SLOT,    "slot",            40, "the activation-slot bitmap")
LOCK_CLASS(SHM,     "shm",             42, "one shared region's grants")
LOCK_CLASS(IRQ,     "irq",             45, "binding PLIC sources to threads")
LOCK_CLASS(RUNQ,    "runq",            50, "one hart's run queue and the state of threads homed there")
LOCK_CLASS(SLAB,    "slab",            60, "one slab cache's partial list and its slabs' free lists")
LOCK_CLASS(PAGE,    "page",            70, "one memory region's buddy free lists")
LOCK_CLASS(CONSOLE, "console",         90, "the console UART's transmit side")

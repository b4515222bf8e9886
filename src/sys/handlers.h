/* SPDX-License-Identifier: BSD-2-Clause */
/* Every syscall handler, by the object it acts on (src/sys/<object>.c). */
#ifndef SYS_HANDLERS_H
#define SYS_HANDLERS_H

struct trapframe;

/* proc.c */
long sys_exit(struct trapframe *tf);
long sys_spawn(struct trapframe *tf);
long sys_exec(struct trapframe *tf);
long sys_fork(struct trapframe *tf);
long sys_kill(struct trapframe *tf);
long sys_wait(struct trapframe *tf);
long sys_rights(struct trapframe *tf);
/* thread.c */
long sys_thread_create(struct trapframe *tf);
long sys_thread_exit(struct trapframe *tf);
long sys_thread_kill(struct trapframe *tf);
long sys_thread_join(struct trapframe *tf);
long sys_thread_pin(struct trapframe *tf);
long sys_yield(struct trapframe *tf);
/* mem.c */
long sys_mem_alloc(struct trapframe *tf);
long sys_mem_free(struct trapframe *tf);
long sys_devmem_map(struct trapframe *tf);
/* shm.c */
long sys_shm_create(struct trapframe *tf);
long sys_shm_grant(struct trapframe *tf);
long sys_shm_map(struct trapframe *tf);
long sys_shm_unmap(struct trapframe *tf);
long sys_shm_free(struct trapframe *tf);
/* ipc.c */
long sys_ipc_frame(struct trapframe *tf);
long sys_ipc_abort(struct trapframe *tf);
long sys_ipc_depth(struct trapframe *tf);
/* notify.c */
long sys_notify(struct trapframe *tf);
long sys_notify_wait(struct trapframe *tf);
long sys_timer(struct trapframe *tf);
long sys_irq_register(struct trapframe *tf);
/* system.c */
long sys_puts(struct trapframe *tf);
long sys_poweroff(struct trapframe *tf);
long sys_clock(struct trapframe *tf);
long sys_stats(struct trapframe *tf);
long sys_self(struct trapframe *tf);
long sys_cmdline(struct trapframe *tf);
long sys_uart_info(struct trapframe *tf);
long sys_profile(struct trapframe *tf);
long sys_trace(struct trapframe *tf);
/* hold.c */
long sys_hold(struct trapframe *tf);

#endif

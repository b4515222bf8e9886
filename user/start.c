/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The C side of thread entry: decides, from the kernel's entry words,
 * whether this thread runs main, a thread_spawn function, or a migrated
 * call, and turns its return value into the right exit.
 */
#include <migrant.h>

int main(void);

__attribute__((noreturn))
void migrant_entry(long pid, long tid, long d0, long d1, long d2, long d3);
/* crt0.S's _start ends a handler that returned here. */
__attribute__((noreturn)) void migrant_served(void);

/* A process that serves no calls answers every one with E_NOSYS. */
__attribute__((weak))
void migrant_serve(long pid, long tid, long d0, long d1, long d2, long d3)
{
	(void)pid;
	(void)tid;
	(void)d0;
	(void)d1;
	(void)d2;
	(void)d3;
	ipc_resp(E_NOSYS, 0, 0, 0);
}

/* Notification handlers a program does not define ignore the notification. */
__attribute__((weak)) void migrant_signal(unsigned long bits)
{
	(void)bits;
}

__attribute__((weak)) void migrant_timer(unsigned long expiries)
{
	(void)expiries;
}

__attribute__((weak)) void migrant_irq(long source)
{
	(void)source;
}

/* A forced migration: run the handler, then respond to resume what it interrupted. */
static void notified(long kind, long word)
{
	if (kind == START_SIGNAL)
		migrant_signal((unsigned long)word);
	else if (kind == START_TIMER)
		migrant_timer((unsigned long)word);
	else
		migrant_irq(word);
	ipc_resp(0, 0, 0, 0);
	sys_exit(125);
}

/*
 * Every entry (crt0.S's _start sends migrated calls to migrant_serve
 * itself, but a program's own _start may send them all here).
 */
void migrant_entry(long pid, long tid, long d0, long d1, long d2, long d3)
{
	if (pid == 0 && (d0 == START_SIGNAL || d0 == START_TIMER || d0 == START_IRQ))
		notified(d0, d1);
	if (pid == 0 && d0 == START_MAIN)
		sys_exit(main());
	if (pid == 0 && d0 == START_THREAD) {
		long (*fn)(long) = (long (*)(long))d1;

		sys_thread_exit(fn(d2));
	}
	migrant_serve(pid, tid, d0, d1, d2, d3);
	migrant_served();
}

/* A handler that returns without responding answers all zeros. */
__attribute__((noreturn)) void migrant_served(void)
{
	ipc_resp(0, 0, 0, 0);
	/* Reached only if there was no caller to respond to. */
	sys_exit(126);
}

long thread_spawn(long hart, long (*fn)(long), long arg)
{
	return sys_thread_create(hart, (long)fn, arg, 0);
}

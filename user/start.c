/*
 * The C side of thread entry: decides, from the kernel's entry words,
 * whether this thread runs main, a thread_spawn function, or a migrated
 * call, and turns its return value into the right exit.
 */
#include <migrant.h>

int main(void);

__attribute__((noreturn))
void migrant_entry(long pid, long tid, long d0, long d1, long d2, long d3);

/* Ends a process that was entered by a call it does not serve. */
__attribute__((weak, noreturn))
void migrant_serve(long pid, long tid, long d0, long d1, long d2, long d3)
{
	(void)pid;
	(void)tid;
	(void)d0;
	(void)d1;
	(void)d2;
	(void)d3;
	sys_exit(127);
}

void migrant_entry(long pid, long tid, long d0, long d1, long d2, long d3)
{
	if (pid == 0 && d0 == START_MAIN)
		sys_exit(main());
	if (pid == 0 && d0 == START_THREAD) {
		long (*fn)(long) = (long (*)(long))d1;

		sys_thread_exit(fn(d2));
	}
	migrant_serve(pid, tid, d0, d1, d2, d3);
}

long thread_spawn(long hart, long (*fn)(long), long arg)
{
	return sys_thread_create(hart, (long)fn, arg, 0);
}

/*
 * /init for `make run`: shows the machine working. It greets, runs a
 * thread pinned to every hart, spawns two /hello processes, waits for
 * everything, prints a summary and powers off.
 */
#include <migrant.h>

#define MAX_HARTS 64
#define HELLOS 2

/* Work for each hart's thread: long enough that the harts overlap. */
#define WORK_STEPS 200000

/* Steps of the Collatz walk from n to 1: cheap to compute, hard to fold. */
static long collatz_steps(unsigned long n)
{
	long steps = 0;

	while (n > 1) {
		n = (n & 1) ? 3 * n + 1 : n / 2;
		steps++;
	}
	return steps;
}

static long hart_work(long hart)
{
	struct mself me;
	long total = 0;

	sys_self(&me);
	printf("hart %ld (id %ld) online: pid %ld tid %ld\n", hart, me.hartid,
	       me.pid, me.tid);
	for (unsigned long n = 1; n <= WORK_STEPS; n++)
		total += collatz_steps(n + (unsigned long)hart);
	return total;
}

/* Starts one thread per hart; returns how many started. */
static long start_threads(long harts, long *tids)
{
	long started = 0;

	for (long i = 0; i < harts; i++) {
		tids[started] = thread_spawn(i, hart_work, i);
		if (tids[started] < 0)
			printf("init: thread on hart %ld failed: %ld\n", i, tids[started]);
		else
			started++;
	}
	return started;
}

/* Spawns the hellos and waits for them; returns how many ran. */
static long run_hellos(void)
{
	long pids[HELLOS];
	long ran = 0;

	for (int i = 0; i < HELLOS; i++) {
		pids[i] = sys_spawn("/hello", 0);
		if (pids[i] < 0)
			printf("init: spawn /hello failed: %ld\n", pids[i]);
	}
	for (int i = 0; i < HELLOS; i++) {
		long status = -1;

		if (pids[i] < 0 || sys_wait(pids[i], &status) != 0)
			continue;
		ran++;
		if (status != 0)
			printf("init: /hello pid %ld exited status=%ld\n", pids[i], status);
	}
	return ran;
}

int main(void)
{
	long tids[MAX_HARTS];
	struct mstats s;
	long threads;
	long hellos;

	sys_stats(&s);
	printf("init: migrant up, %ld harts\n", s.harts);
	threads = start_threads(s.harts < MAX_HARTS ? s.harts : MAX_HARTS, tids);
	hellos = run_hellos();
	for (long i = 0; i < threads; i++)
		sys_thread_join(tids[i], NULL);
	sys_stats(&s);
	/* Processes: this one and every /hello that ran. */
	printf("init: summary: %ld threads on %ld harts, %ld processes, free pages %ld\n",
	       threads, s.harts, 1 + hellos, s.free_pages);
	sys_poweroff(0);
	return 1;
}

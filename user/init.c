/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /init for `make run`: shows the machine working. It starts a small
 * system of services (two /svc_calc backends and a /svc_router that kicks
 * requests on to them), then a client thread pinned to every hart that
 * calls the backends directly and through the router, checking every
 * answer. It prints what each hart did, how many calls each service
 * answered, spawns two /hello processes, and powers off.
 */
#include <stdbool.h>
#include <migrant.h>

#define MAX_HARTS 512
#define HELLOS 2
#define BACKENDS 2
/* Calls across all clients; every ROUTED-th goes through the router (a kick, the slow path). */
#define CALLS_TOTAL 8000
#define ROUTED 8

static long backend[BACKENDS];
static long router;
static long calls;

/* A client: every ROUTED-th call goes through the router. Returns the errors. */
static long client(long hart)
{
	struct mself me;
	struct ipc_reply r;
	long errors = 0, routed = 0;

	sys_self(&me);
	printf("hart %ld (id %ld) online: pid %ld tid %ld, calling\n", hart, me.hartid, me.pid, me.tid);
	for (long i = 0; i < calls; i++) {
		bool via_router = i % ROUTED == ROUTED - 1;
		long a = i * 7 + hart, b = hart * 1000 + 3;
		long to = via_router ? router : backend[i % BACKENDS];
		long st = ipc_req(to, 0, a, b, 0, &r);

		/* A kicked request is answered by a backend, which sees us, not the router. */
		if (st != 0 || r.d[0] != a + b || r.d[1] != me.pid || r.pid == router)
			errors++;
		routed += via_router && r.pid != to;
	}
	printf("hart %ld: %ld calls, %ld through the router, %ld errors\n", hart, calls, routed, errors);
	return errors;
}

static long spawn_service(const char *path)
{
	long pid = sys_spawn(path, 0);

	if (pid < 0)
		printf("init: spawn %s failed: %ld\n", path, pid);
	return pid;
}

static long answered(long pid)
{
	struct ipc_reply r;

	return ipc_req(pid, 1, 0, 0, 0, &r) == 0 ? r.d[0] : -1;
}

/* Spawns the hellos and waits for them; returns how many ran. */
static long run_hellos(void)
{
	long pids[HELLOS];
	long ran = 0;

	for (int i = 0; i < HELLOS; i++)
		pids[i] = spawn_service("/hello");
	for (int i = 0; i < HELLOS; i++) {
		long status = -1;

		if (pids[i] >= 0 && sys_wait(pids[i], &status) == 0 && status == 0)
			ran++;
	}
	return ran;
}

int main(void)
{
	long tids[MAX_HARTS];
	struct ipc_reply r;
	struct mstats s;
	long harts, threads = 0, errors = 0, status;

	sys_stats(&s);
	harts = s.harts < MAX_HARTS ? s.harts : MAX_HARTS;
	calls = CALLS_TOTAL / harts;
	printf("init: migrant up, %ld harts\n", s.harts);
	for (int i = 0; i < BACKENDS; i++)
		backend[i] = spawn_service("/svc_calc");
	router = spawn_service("/svc_router");
	for (int i = 0; i < BACKENDS; i++)
		ipc_req(router, 2, backend[i], 0, 0, &r);
	printf("init: services: calc %ld, calc %ld, router %ld\n", backend[0], backend[1], router);
	for (long i = 0; i < harts; i++) {
		tids[threads] = thread_spawn(i, client, i);
		if (tids[threads] >= 0)
			threads++;
	}
	for (long i = 0; i < threads; i++) {
		long e = 0;

		sys_thread_join(tids[i], &e);
		errors += e;
	}
	for (int i = 0; i < BACKENDS; i++)
		printf("init: service calc (pid %ld) answered %ld calls\n", backend[i], answered(backend[i]));
	printf("init: service router (pid %ld) routed %ld calls\n", router, answered(router));
	for (int i = 0; i < BACKENDS; i++) {
		sys_kill(backend[i]);
		sys_wait(backend[i], &status);
	}
	sys_kill(router);
	sys_wait(router, &status);
	long hellos = run_hellos();
	sys_stats(&s);
	printf("init: summary: %ld clients on %ld harts, %ld calls, %ld errors, %ld hellos, "
	       "%ld processes, free pages %ld\n",
	       threads, s.harts, threads * calls, errors, hellos, s.procs, s.free_pages);
	sys_poweroff(errors ? 1 : 0);
	return 1;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmark driver's scenarios. A scenario is one operation, repeated:
 * the driver (bench.c) times it per hart for throughput, or counts the
 * instructions it retires for latency, and prints the results as BENCH
 * lines that tools/bench.py turns into tables, CSV and plots.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <migrant.h>

#define BENCH_MAX_HARTS 512

struct scenario {
	const char *name;
	/*
	 * Each worker runs in a forked child of its own instead of a thread,
	 * for operations on the caller's own process that threads sharing one
	 * process would disturb (a signal goes to whichever thread is home).
	 */
	bool own_process;
	/* Prepares `harts` workers; a negative error aborts the scenario. */
	long (*setup)(long harts);
	/* One operation by the worker on `hart`; nonzero is a wrong result. */
	long (*op)(long hart, long i);
	void (*teardown)(long harts);
	/*
	 * Migrations into a frame (calls, tails, a notification's handler)
	 * that one operation makes: what `make trace` checks its count of
	 * migration slices by.
	 */
	long calls;
};

extern const struct scenario sc_ipc_null, sc_ipc_chain, sc_same_service, sc_distinct_services,
	sc_service_work, sc_thread_churn, sc_shm_churn, sc_notify;

/* For scenarios with nothing to prepare or clean up. */
long bench_setup_none(long harts);
void bench_teardown_none(long harts);

/* Spawns a service from the initrd and shrinks its reservation to one page. */
long bench_spawn_service(const char *path);

#endif

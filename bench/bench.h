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
	/*
	 * Latency mode, for an operation of which only a part is the point
	 * (first-call: the call, not the spawn, kill and wait around it): the
	 * operation on hart 0, which adds the instructions that part retired
	 * (bench_instret() before and after) to *counted. The driver then
	 * averages those instead of the whole operation's. NULL: op, whole.
	 */
	long (*op_counted)(long i, unsigned long *counted);
	/*
	 * Latency mode: at most this many rounds, after lat_warmup operations,
	 * for operations too heavy for the driver's default (5,000 rounds
	 * after 500); 0: the driver's.
	 */
	long lat_rounds, lat_warmup;
};

extern const struct scenario sc_ipc_null, sc_ipc_depth2, sc_ipc_alt, sc_first_call, sc_ipc_chain,
	sc_same_service, sc_distinct_services, sc_service_work, sc_thread_churn, sc_shm_churn, sc_notify;

/* Instructions this hart has retired (exact under QEMU -icount; on hardware, instret). */
static inline unsigned long bench_instret(void)
{
	unsigned long v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

/* For scenarios with nothing to prepare or clean up. */
long bench_setup_none(long harts);
void bench_teardown_none(long harts);

/* Spawns a service from the initrd and shrinks its reservation to one page. */
long bench_spawn_service(const char *path);

#endif

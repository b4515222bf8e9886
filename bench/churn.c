/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Object churn: threads created and joined on every hart (id allocation,
 * lookup and epoch reclamation), and shared memory mapped and unmapped by
 * threads of one process on every hart (TLB shootdowns by IPI to the harts
 * that run the space).
 */
#include "bench.h"

static long shm[BENCH_MAX_HARTS];
static long nshm;

static long echo(long v)
{
	return v;
}

static long op_thread(long hart, long i)
{
	long v = -1;
	long tid = thread_spawn(hart, echo, i);

	return tid < 0 || sys_thread_join(tid, &v) != 0 || v != i;
}

static long setup_shm(long harts)
{
	for (nshm = 0; nshm < harts; nshm++) {
		shm[nshm] = shm_create(4096);
		if (shm[nshm] < 0) {
			printf("bench: shm_create(4096) #%ld failed: %ld\n", nshm, shm[nshm]);
			return shm[nshm];
		}
	}
	return 0;
}

static long op_shm(long hart, long i)
{
	unsigned long size;
	long va = shm_map(shm[hart], &size);

	if (va < 0)
		return 1;
	/* Touch it, so the unmap has a TLB entry to shoot down. */
	*(volatile long *)va = i;
	return *(volatile long *)va != i || shm_unmap((void *)va) != 0;
}

static void free_shm(long harts)
{
	(void)harts;
	while (nshm > 0)
		shm_free(shm[--nshm]);
}

const struct scenario sc_thread_churn = {
	.name = "thread-churn", .setup = bench_setup_none, .op = op_thread,
	.teardown = bench_teardown_none, .calls = 0,
};
const struct scenario sc_shm_churn = {
	.name = "shm-churn", .setup = setup_shm, .op = op_shm, .teardown = free_shm, .calls = 0,
};

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thread ids through a full turn of the id table's slots. Found by the
 * thread-churn benchmark: the 4096th slot gave an id whose slot field
 * overflowed into the generation, so the new thread could not be found
 * (join said E_NOENT). Every cycle here must create, find and join its
 * thread, every id must be new, and the first thread's id must stay dead
 * after its slot is reused.
 */
#include <test.h>

/* More than one turn of the 4095 slots, with the ids this program itself holds. */
#define CYCLES 4200

static long echo(long x)
{
	return x;
}

int main(void)
{
	long first = -1, prev = -1;

	test_start("id_wrap");
	for (long i = 0; i < CYCLES; i++) {
		long tid = thread_spawn(HART_ANY, echo, i), v = -1;

		if (tid <= 0)
			test_fail("cycle %ld: thread_create returned %ld", i, tid);
		if (tid == prev || tid == first)
			test_fail("cycle %ld: id %ld reused too soon", i, tid);
		if (sys_thread_join(tid, &v) != 0 || v != i)
			test_fail("cycle %ld: join of tid %ld gave value %ld", i, tid, v);
		if (i == 0)
			first = tid;
		prev = tid;
	}
	CHECK_EQ(sys_thread_join(first, NULL), E_NOENT);
	CHECK_EQ(sys_thread_kill(first), E_NOENT);
	test_pass();
}

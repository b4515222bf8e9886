/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves the kernel brought up every hart named on the command line: stats
 * reports harts=N, and each hart index 0..N-1 runs a thread pinned to it.
 */
#include <test.h>

#define MAX_HARTS 64

/* Checks where it runs, and returns that so main also checks join values. */
static long report_hart(long want)
{
	struct mself me;

	sys_self(&me);
	if (me.hart != want)
		test_fail("thread pinned to hart %ld ran on hart %ld", want, me.hart);
	return me.hart;
}

int main(void)
{
	long want = test_arg("harts", -1);
	long tids[MAX_HARTS];
	long harts;

	test_start("boot");
	if (want < 1 || want > MAX_HARTS)
		test_fail("bad harts=%ld on the command line", want);
	harts = test_harts();
	CHECK_EQ(harts, want);
	for (long i = 0; i < harts; i++) {
		tids[i] = thread_spawn(i, report_hart, i);
		CHECK_OK(tids[i]);
	}
	for (long i = 0; i < harts; i++) {
		long hart = -1;

		CHECK_EQ(sys_thread_join(tids[i], &hart), 0);
		CHECK_EQ(hart, i);
	}
	test_pass();
}

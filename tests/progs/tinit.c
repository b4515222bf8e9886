/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test initrd's /init: runs the one test named by the kernel command
 * line ("test=NAME harts=N") and powers the machine off with its result,
 * so each boot runs exactly one test and ends by itself. With trace-prog=1 (a
 * TRACE=1 kernel, `make trace PROG=`) the test runs under the tracer,
 * whose dump comes after it exited.
 */
#include <test.h>

/* PATH_MAX_LEN plus the leading slash and the NUL. */
#define PATH_BUF (PATH_MAX_LEN + 2)

static long trace_op(long op)
{
	return sys_trace(op);
}

/* Every hart starts or stops its own trace; false if one refused. */
static bool trace_harts(bool on, long op)
{
	return !on || test_each_hart(test_harts(), trace_op, op) < 0;
}

int main(void)
{
	char name[PATH_BUF - 1];
	char path[PATH_BUF];
	long pid;
	long status = -1;
	long r;
	bool trace = test_arg("trace-prog", 0) == 1;

	if (test_arg_str("test", name, sizeof(name)) <= 0) {
		printf("VERDICT tinit FAIL: no test= on the command line\n");
		sys_poweroff(1);
		return 1;
	}
	snprintf(path, sizeof(path), "/%s", name);
	if (!trace_harts(trace, TRACE_START)) {
		printf("VERDICT tinit FAIL: trace=1, but the kernel has no tracer\n");
		sys_poweroff(1);
		return 1;
	}
	/* The test gets every right we hold: some tests check each one. */
	pid = sys_spawn(path, (unsigned long)sys_rights(0));
	if (pid < 0) {
		printf("VERDICT %s FAIL: spawn error %ld\n", name, pid);
		sys_poweroff(1);
		return 1;
	}
	r = sys_wait(pid, &status);
	if (r < 0) {
		printf("VERDICT %s FAIL: wait error %ld\n", name, r);
		sys_poweroff(1);
		return 1;
	}
	printf("tinit: %s exited status=%ld\n", name, status);
	if (trace && trace_harts(trace, TRACE_STOP))
		sys_trace(TRACE_DUMP);
	sys_poweroff(status == 0 ? 0 : 1);
	return 1;
}

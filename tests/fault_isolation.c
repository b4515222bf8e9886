/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves a faulting process dies alone: children that load from an
 * unmapped address, store to a kernel address and execute an illegal
 * instruction each end with EXIT_FAULT | scause, while this parent and a
 * spinning bystander keep running, and nothing leaks.
 */
#include <test.h>

/* RISC-V scause values for the exceptions the children raise. */
#define CAUSE_ILLEGAL     2
#define CAUSE_LOAD_PAGE  13
#define CAUSE_STORE_PAGE 15

struct faulter {
	const char *path;
	long cause;
	long pid;
};

static long spawn_checked(const char *path)
{
	long pid = sys_spawn(path, 0);

	if (pid <= 0)
		test_fail("spawn %s returned %ld", path, pid);
	return pid;
}

static long wait_checked(long pid, const char *path)
{
	long status = -1;
	long r = sys_wait(pid, &status);

	if (r != 0)
		test_fail("wait for %s returned %ld", path, r);
	return status;
}

/* A spawn/kill/wait first, so any state a first spawn keeps is in place. */
static void warm_up(void)
{
	long pid = spawn_checked("/spinner");

	CHECK_EQ(sys_kill(pid), 0);
	CHECK_EQ(wait_checked(pid, "/spinner"), EXIT_KILLED);
}

int main(void)
{
	struct faulter faulters[] = {
		{ "/fault_load", CAUSE_LOAD_PAGE, 0 },
		{ "/fault_store", CAUSE_STORE_PAGE, 0 },
		{ "/fault_illegal", CAUSE_ILLEGAL, 0 },
	};
	const size_t count = ARRAY_LEN(faulters);
	struct mstats start;
	long bystander;

	test_start("fault_isolation");
	warm_up();
	stats_snapshot(&start);
	bystander = spawn_checked("/spinner");
	/* All at once, so on several harts the faults overlap. */
	for (size_t i = 0; i < count; i++)
		faulters[i].pid = spawn_checked(faulters[i].path);
	for (size_t i = 0; i < count; i++) {
		long status = wait_checked(faulters[i].pid, faulters[i].path);

		if (status != (EXIT_FAULT | faulters[i].cause))
			test_fail("%s: status 0x%lx, want 0x%lx", faulters[i].path,
				  status, (long)(EXIT_FAULT | faulters[i].cause));
	}
	/* The bystander was still spinning: the kill, not a fault, ends it. */
	CHECK_EQ(sys_kill(bystander), 0);
	CHECK_EQ(wait_checked(bystander, "/spinner"), EXIT_KILLED);
	stats_settle(&start);
	test_pass();
}

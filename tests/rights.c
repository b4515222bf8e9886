/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves rights gate what they name: with a right a call works, and after
 * dropping it the same call gets E_PERM. Also: rights(0) reports the held
 * set, a bad mask changes nothing, drops are permanent, spawn grants
 * exactly the rights asked for and never one the caller lacks, and fork
 * copies the parent's set.
 */
#include <stdbool.h>

#include <test.h>

/* The UART on QEMU's virt board: device memory that is safe to map. */
#define PAGE 4096l

static long held(void)
{
	return sys_rights(0);
}

/* Drops one right and checks it is gone, now and on a second look. */
static void drop_right(unsigned long right)
{
	long before = held();

	CHECK_EQ(sys_rights(right), before & ~(long)right);
	CHECK_EQ(held(), before & ~(long)right);
}

static long wait_status(long pid)
{
	long status = -1;

	CHECK_EQ(sys_wait(pid, &status), 0);
	return status;
}

/* Spawns /rights_child, which exits with the rights it got. */
static void check_spawn_grants(unsigned long rights)
{
	long pid = sys_spawn("/rights_child", rights);

	if (pid <= 0)
		test_fail("spawn with rights 0x%lx returned %ld", rights, pid);
	CHECK_EQ(wait_status(pid), (long)rights);
}

static void check_spawn_refused(unsigned long rights)
{
	long pid = sys_spawn("/rights_child", rights);

	if (pid > 0) {
		wait_status(pid);
		test_fail("spawn with rights 0x%lx succeeded holding 0x%lx",
			  rights, held());
	}
	CHECK_EQ(pid, E_PERM);
}

static void check_devmem(void)
{
	struct uart_info u;

	sys_uart_info(&u);
	long phys = u.base & ~(long)(PAGE - 1);
	long va = sys_devmem_map(phys, PAGE);

	if (va < (long)USER_DEV || va >= (long)USER_DEV_END || (va & (PAGE - 1)))
		test_fail("devmem_map with R_DEVMEM returned 0x%lx", va);
	drop_right(R_DEVMEM);
	CHECK_EQ(sys_devmem_map(phys, PAGE), E_PERM);
	check_spawn_refused(R_DEVMEM);
}

/* R_IRQ, R_SHM, R_NOTIFY: each call works with the right and is refused without it. */
static void check_notification_rights(void)
{
	struct uart_info u;
	struct mself me;
	long id;

	sys_uart_info(&u);
	sys_self(&me);
	CHECK_EQ(sys_irq_register(u.irq), 0);
	drop_right(R_IRQ);
	CHECK_EQ(sys_irq_register(u.irq), E_PERM);
	check_spawn_refused(R_IRQ);

	id = shm_create(4096);
	CHECK(id > 0);
	CHECK_EQ(shm_free(id), 0);
	drop_right(R_SHM);
	CHECK_EQ(shm_create(4096), E_PERM);
	check_spawn_refused(R_SHM);

	CHECK_EQ(sys_notify(me.pid, 1), 0);
	drop_right(R_NOTIFY);
	CHECK_EQ(sys_notify(me.pid, 1), E_PERM);
	check_spawn_refused(R_NOTIFY);
	check_spawn_grants((unsigned long)held());
}

static void check_fork_inherits(void)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit(held());
	CHECK_OK(pid);
	CHECK_EQ(wait_status(pid), held());
}

/* Forks a child that kills victim, a process that is not its child. */
static void fork_killer(long victim, bool drop_kill, long want)
{
	long pid = sys_fork();

	if (pid == 0) {
		long r;

		if (drop_kill)
			sys_rights(R_KILL);
		r = sys_kill(victim);
		if (r != want)
			printf("rights: sibling kill returned %ld, want %ld\n", r, want);
		sys_exit(r == want ? 0 : 1);
	}
	CHECK_OK(pid);
	if (wait_status(pid) != 0)
		test_fail("sibling kill (R_KILL %s) did not return %ld",
			  drop_kill ? "dropped" : "held", want);
}

static long spawn_spinner(void)
{
	long pid = sys_spawn("/spinner", 0);

	CHECK_OK(pid);
	return pid;
}

static void check_kill(void)
{
	long victim = spawn_spinner();

	fork_killer(victim, true, E_PERM);
	fork_killer(victim, false, 0);
	CHECK_EQ(wait_status(victim), EXIT_KILLED);
	/* A parent needs no right to kill its own child. */
	drop_right(R_KILL);
	victim = spawn_spinner();
	CHECK_EQ(sys_kill(victim), 0);
	CHECK_EQ(wait_status(victim), EXIT_KILLED);
}

static void check_power(void)
{
	drop_right(R_POWER);
	CHECK_EQ(sys_poweroff(0), E_PERM);
}

static void check_hold(void)
{
	unsigned long start, end;

	CHECK_EQ(sys_hold(HOLD_KERNEL, 1, &start, &end), 0);
	CHECK(end >= start);
	drop_right(R_HOLD);
	CHECK_EQ(sys_hold(HOLD_KERNEL, 1, &start, &end), E_PERM);
}

static void check_spawn(void)
{
	long pid;

	drop_right(R_SPAWN);
	check_spawn_refused(0);
	pid = sys_fork();
	if (pid == 0)
		sys_exit(1);	/* a fork that should not have happened */
	if (pid > 0) {
		wait_status(pid);
		test_fail("fork succeeded without R_SPAWN");
	}
	CHECK_EQ(pid, E_PERM);
}

int main(void)
{
	test_start("rights");
	CHECK_EQ(held(), R_ALL);
	/* A mask with a bit outside R_ALL is refused whole: nothing drops. */
	CHECK_EQ(sys_rights(R_SPAWN | (1ul << 20)), E_INVAL);
	CHECK_EQ(held(), R_ALL);
	check_spawn_grants(R_ALL);
	check_spawn_grants(R_KILL | R_POWER);
	check_spawn_grants(0);
	/* Each check below still holds every right it uses. */
	check_devmem();
	check_notification_rights();
	check_fork_inherits();
	check_kill();
	check_power();
	check_hold();
	check_spawn();
	CHECK_EQ(held(), 0);
	CHECK_EQ(sys_rights(R_ALL), 0);
	test_pass();
}

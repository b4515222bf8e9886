/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * notify_wait_word: sys_notify_wait_while does not sleep through a handler
 * that ran between the caller's test of its flag and its wait. The test
 * makes that window happen every time: it reads its flag, then signals its
 * own process, which delivers the handler on the way out of that very
 * notify (the thread is alone and in its root frame), so the flag changes
 * after it was read and before the wait. The plain sys_notify_wait sleeps
 * there until something else comes (here, the thread's own timer): that
 * is how a service of exec_fail_root, waiting for its exit signal, hung
 * one boot in a few hundred when a tick fell between the test and the
 * ecall. sys_notify_wait_while must return at once. A word that still
 * reads the value blocks until a notification is due, and an unreadable
 * word is E_FAULT.
 */
#include <test.h>

static volatile unsigned long flag, expiries;
static unsigned long hz;

void migrant_signal(unsigned long bits)
{
	flag |= bits;
}

void migrant_timer(unsigned long n)
{
	expiries += n;
}

/* The flag as it was, then the handler setting bit: the window, made to happen. */
static unsigned long open_window(long pid, unsigned long bit)
{
	unsigned long seen = flag;

	CHECK_EQ(sys_notify(pid, bit), 0);
	if (!(flag & bit))
		test_fail("the handler for bit %lx did not run on the way out of notify", bit);
	return seen;
}

int main(void)
{
	struct mself me;
	unsigned long seen, before;

	test_start("notify_wait_word");
	sys_self(&me);
	sys_clock(&hz);

	/* The plain wait sleeps through the window, until the timer comes. */
	(void)open_window(me.pid, 1);
	before = expiries;
	CHECK_EQ(sys_timer(hz / 5, 0), 0);
	CHECK_EQ(sys_notify_wait(), 0);
	if (expiries == before)
		test_fail("the plain wait returned before its timer: nothing made it sleep");

	/* The word wait sees the flag changed and returns at once; the timer is a watchdog. */
	seen = open_window(me.pid, 2);
	before = expiries;
	CHECK_EQ(sys_timer(2 * hz, 0), 0);
	CHECK_EQ(sys_notify_wait_while(&flag, seen), 0);
	if (expiries != before)
		test_fail("sys_notify_wait_while slept through a handler that ran before it");
	CHECK_EQ(sys_timer(0, 0), 0);

	/* A word that still reads the value: it blocks until a notification is due. */
	before = expiries;
	CHECK_EQ(sys_timer(hz / 5, 0), 0);
	CHECK_EQ(sys_notify_wait_while(&flag, flag), 0);
	if (expiries == before)
		test_fail("sys_notify_wait_while returned with the word unchanged and nothing due");

	CHECK_EQ(sys_notify_wait_while((const volatile unsigned long *)0xffffffc000000000ul, 0),
		 E_FAULT);
	CHECK_EQ(sys_notify_wait_while((const volatile unsigned long *)USER_HEAP, 0), E_FAULT);
	test_pass();
}

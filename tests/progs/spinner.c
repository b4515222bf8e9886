/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper, not a test: spins forever without a syscall, so only preemption
 * takes the hart back and only a kill ends it. Prints no verdict.
 */
int main(void)
{
	for (;;)
		;
}

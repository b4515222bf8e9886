/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper for fault_isolation, not a test: executes an all-zero word, which
 * RISC-V defines as illegal. Its wait status must be EXIT_FAULT | 2
 * (illegal instruction).
 */
int main(void)
{
	__asm__ volatile(".word 0");
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper for fault_isolation, not a test: stores to a kernel address,
 * which user mode may never touch. Its wait status must be
 * EXIT_FAULT | 15 (store page fault).
 */
int main(void)
{
	__asm__ volatile("sd zero, 0(%0)" : : "r"(0xffffffc000000000ul) : "memory");
	return 0;
}

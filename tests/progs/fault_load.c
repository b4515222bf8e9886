/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper for fault_isolation, not a test: loads from address 8, which is
 * below USER_TEXT and so never mapped. Its wait status must be
 * EXIT_FAULT | 13 (load page fault).
 */
int main(void)
{
	long v;

	/* asm, so the compiler cannot reason about (or drop) the bad load. */
	__asm__ volatile("ld %0, 8(zero)" : "=r"(v) : : "memory");
	return (int)v;
}

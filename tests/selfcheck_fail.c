/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves the harness catches failures: always prints a FAIL verdict.
 */
#include <test.h>

int main(void)
{
	test_start("selfcheck_fail");
	test_fail("deliberate");
}

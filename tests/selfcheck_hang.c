/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proves the harness catches hangs: prints nothing and never exits.
 */
int main(void)
{
	for (;;)
		;
}

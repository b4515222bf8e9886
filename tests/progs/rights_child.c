/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper for the rights test, not a test: exits with the rights it was
 * spawned with as its status (R_ALL fits in the 8 status bits), so the
 * parent can see exactly what spawn granted.
 */
#include <migrant.h>

int main(void)
{
	return (int)sys_rights(0);
}

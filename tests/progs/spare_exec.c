/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper of thread_spare, not a test: leaves a spare root (a thread made
 * and joined), then execs /spare_after, which must start without it.
 * Exit status: see thread_spare.
 */
#include <migrant.h>

#include "spare.h"

int main(void)
{
	long st = spare_check();

	if (st)
		return (int)st;
	sys_exec("/spare_after");
	return 4;
}

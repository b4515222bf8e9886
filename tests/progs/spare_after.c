/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper of thread_spare, not a test: the image /spare_exec becomes. It
 * starts with no spare (those of the old image were mapped in the old
 * space) and makes its own. Exit status: see thread_spare.
 */
#include <migrant.h>

#include "spare.h"

int main(void)
{
	return (int)spare_check();
}

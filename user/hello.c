/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /hello for `make run`: greets from whichever hart it landed on.
 */
#include <migrant.h>

int main(void)
{
	struct mself me;

	sys_self(&me);
	printf("hello from pid %ld on hart %ld\n", me.pid, me.hart);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ids are (generation << 12) | (slot + 1), and slots are reused oldest
 * first, so creating and freeing one object at a time walks through every
 * slot of its table. The kernel used to hand out slot 4095 too, whose id
 * has slot bits 0 and which no lookup finds: the 4096th shared region was
 * created but could not be mapped (E_NOENT). Found by the stress fuzzer
 * (one op, "3 3 1e 0 0 0", repeated). Here every one of two laps of
 * regions must map, and nothing is left behind.
 */
#include <test.h>

#define LAPS_OF_SLOTS (2 * 4096 + 2)

int main(void)
{
	struct mstats before;

	test_start("id_last_slot");
	stats_snapshot(&before);
	for (long i = 0; i < LAPS_OF_SLOTS; i++) {
		long id = shm_create(4096), va;

		CHECK_OK(id);
		va = shm_map(id, NULL);
		if (va < 0)
			test_fail("region %ld (id %lx): shm_map gave %ld", i, id, va);
		*(volatile long *)va = i;
		CHECK_EQ(shm_unmap((void *)va), 0);
		CHECK_EQ(shm_free(id), 0);
	}
	stats_settle(&before);
	test_pass();
	return 0;
}

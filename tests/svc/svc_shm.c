/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A service for shm_share; the protocol is in tests/proto/shm.h.
 */
#include <migrant.h>

#include "../proto/shm.h"

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)tid;
	(void)d3;
	if (d0 == SVC_SHM_MAP) {
		long va = shm_map(d1, NULL);
		long seen = 0;

		if (va < 0)
			ipc_resp(0, va, 0, 0);
		seen = ((volatile long *)va)[SVC_SHM_READ_AT / 8];
		((volatile long *)va)[0] = SVC_SHM_MARK + d2;
		ipc_resp(seen, 0, shm_unmap((void *)va), 0);
	}
	if (d0 == SVC_SHM_FREE)
		ipc_resp(shm_free(d1), 0, 0, 0);
	if (d0 == SVC_SHM_CREATE) {
		long id = shm_create(SVC_SHM_SIZE);
		long va = id > 0 ? shm_map(id, NULL) : id;

		if (va < 0)
			ipc_resp(va, 0, 0, 0);
		memset((void *)va, SVC_SHM_FILL, SVC_SHM_SIZE);
		shm_unmap((void *)va);
		ipc_resp(id, shm_grant(id, eid), 0, 0);
	}
	ipc_resp(E_NOSYS, 0, 0, 0);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

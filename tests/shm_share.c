/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shm_share: a region is created, granted and passed to a service through
 * a migration; both sides map it and see each other's writes; a process
 * it was not granted to cannot map it, nor anyone but the owner free it;
 * unmap and free work; and when the owner dies, mappings elsewhere stay
 * valid while new maps are refused. Nothing leaks.
 */
#include <test.h>

#include "proto/shm.h"

int main(void)
{
	struct mstats before;
	struct ipc_reply r;
	unsigned long size;
	long svc, other, owner, id, va, status;

	test_start("shm_share");
	stats_snapshot(&before);
	svc = sys_spawn("/svc_shm", 0);
	other = sys_spawn("/svc_shm", 0);
	owner = sys_spawn("/svc_shm", R_SHM);
	CHECK(svc > 0 && other > 0 && owner > 0);

	CHECK_EQ(shm_create(0), E_INVAL);
	CHECK_EQ(shm_create(SHM_MAX + 1), E_RANGE);
	id = shm_create(8192);
	CHECK(id > 0);
	va = shm_map(id, &size);
	CHECK(va >= (long)USER_SHM && va < (long)USER_SHM_END);
	CHECK_EQ(size, 8192);
	CHECK_EQ(shm_grant(id, svc), 0);
	CHECK_EQ(shm_grant(id, 0), E_INVAL);
	CHECK_EQ(shm_grant(id + 1, svc), E_NOENT);

	/* Our write is seen by the service; its write is seen by us. */
	((volatile long *)va)[SVC_SHM_READ_AT / 8] = 0xc0ffee;
	CHECK_EQ(ipc_req(svc, SVC_SHM_MAP, id, 7, 0, &r), 0);
	CHECK_EQ(r.d[0], 0xc0ffee);
	CHECK_EQ(r.d[2], 0);
	CHECK_EQ(((volatile long *)va)[0], SVC_SHM_MARK + 7);

	/* Not granted: no map. Not the owner: no free. */
	CHECK_EQ(ipc_req(other, SVC_SHM_MAP, id, 0, 0, &r), 0);
	CHECK_EQ(r.d[1], E_PERM);
	CHECK_EQ(ipc_req(svc, SVC_SHM_FREE, id, 0, 0, &r), 0);
	CHECK_EQ(r.d[0], E_PERM);

	CHECK_EQ(shm_unmap((void *)va), 0);
	CHECK_EQ(shm_unmap((void *)va), E_NOENT);
	CHECK_EQ(shm_unmap((void *)(va + 1)), E_INVAL);
	CHECK_EQ(shm_free(id), 0);
	CHECK_EQ(shm_free(id), E_NOENT);
	CHECK_EQ(shm_map(id, NULL), E_NOENT);

	/* Owner death: our mapping stays, new ones are refused. */
	CHECK_EQ(ipc_req(owner, SVC_SHM_CREATE, 0, 0, 0, &r), 0);
	id = r.d[0];
	CHECK(id > 0);
	CHECK_EQ(r.d[1], 0);
	va = shm_map(id, NULL);
	CHECK(va > 0);
	CHECK_EQ(((volatile unsigned char *)va)[100], SVC_SHM_FILL);
	CHECK_EQ(sys_kill(owner), 0);
	CHECK_EQ(sys_wait(owner, &status), 0);
	CHECK_EQ(status, EXIT_KILLED);
	CHECK_EQ(((volatile unsigned char *)va)[SVC_SHM_SIZE - 1], SVC_SHM_FILL);
	((volatile unsigned char *)va)[0] = 1;
	CHECK_EQ(((volatile unsigned char *)va)[0], 1);
	CHECK_EQ(shm_map(id, NULL), E_NOENT);
	CHECK_EQ(shm_unmap((void *)va), 0);

	CHECK_EQ(sys_kill(svc), 0);
	CHECK_EQ(sys_wait(svc, &status), 0);
	CHECK_EQ(sys_kill(other), 0);
	CHECK_EQ(sys_wait(other, &status), 0);
	stats_settle(&before);
	test_pass();
	return 0;
}

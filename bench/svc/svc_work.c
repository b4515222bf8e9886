/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The service-work benchmark's service: each call hashes one shared 1 KiB
 * buffer (FNV-1a, about 5,000 instructions: some 2 us on a 2 GHz core)
 * and answers the hash xor its first word. Concurrent calls only read the
 * buffer, so the work itself scales; what the benchmark shows is whether
 * the kernel lets it.
 */
#include <migrant.h>

#define BUF_SIZE 1024

static unsigned char buf[BUF_SIZE];

static unsigned long hash_buf(void)
{
	unsigned long h = 14695981039346656037ul;

	for (int i = 0; i < BUF_SIZE; i++)
		h = (h ^ buf[i]) * 1099511628211ul;
	return h;
}

void migrant_serve(long eid, long tid, long d0, long d1, long d2, long d3)
{
	(void)eid;
	(void)tid;
	(void)d1;
	(void)d2;
	(void)d3;
	/* The setup call, before any concurrent one: fill the buffer, shrink the frame. */
	if (d0 == -1) {
		for (int i = 0; i < BUF_SIZE; i++)
			buf[i] = (unsigned char)(i * 131 + 7);
		ipc_resp(ipc_frame(4096), 0, 0, 0);
	}
	ipc_resp((long)hash_buf() ^ d0, 0, 0, 0);
}

int main(void)
{
	for (;;)
		sys_notify_wait();
}

/*
 * Guest instructions per null ipc_req/ipc_resp round trip, read from
 * instret. Run it under QEMU -icount shift=0, where instret counts every
 * retired instruction exactly, user and kernel alike.
 */
#include <migrant.h>
#include <test.h>

#define WARMUP 1000

static inline unsigned long instret(void)
{
	unsigned long v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

int main(void)
{
	struct ipc_reply r;
	long svc = sys_spawn("/svc_null", 0);
	unsigned long start, loop;
	/* rounds= on the command line shortens the run for instruction traces. */
	long rounds = test_arg("rounds", 20000);

	if (svc < 0) {
		printf("BENCH ipc-null error=%ld\n", svc);
		return 1;
	}
	ipc_req(svc, -1, 0, 0, 0, &r);
	for (long i = 0; i < (rounds < WARMUP ? rounds : WARMUP); i++)
		ipc_req(svc, i, 0, 0, 0, &r);
	/* The loop alone, so its cost can be taken out. */
	start = instret();
	for (long i = 0; i < rounds; i++)
		__asm__ volatile("" ::: "memory");
	loop = instret() - start;
	start = instret();
	for (long i = 0; i < rounds; i++)
		ipc_req(svc, i, 0, 0, 0, &r);
	unsigned long total = instret() - start - loop;
	printf("BENCH ipc-null instructions=%lu.%02lu\n", total / rounds, total % rounds * 100 / rounds);
	sys_kill(svc);
	return 0;
}

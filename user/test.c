/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test helper library: verdicts, command-line arguments, stats
 * settling and the echo workers. See test.h.
 */
#include <test.h>

#include <stdarg.h>

#include <lib/fmt.h>

static const char *test_name = "unnamed";

/* Set by whichever thread prints the verdict first; never cleared. */
static int verdict_claimed;

void test_start(const char *name)
{
	test_name = name;
}

/*
 * True for exactly one caller in the process, so only one verdict is ever
 * printed even when several threads fail at once.
 */
static bool claim_verdict(void)
{
	return __atomic_exchange_n(&verdict_claimed, 1, __ATOMIC_ACQ_REL) == 0;
}

/*
 * A thread that lost the race must not exit the process: that could
 * end it before the winner's verdict is out. The winner's exit ends us.
 */
__attribute__((noreturn))
static void leave_verdict_to_winner(void)
{
	sys_thread_exit(1);
}

void test_pass(void)
{
	if (!claim_verdict())
		leave_verdict_to_winner();
	printf("VERDICT %s PASS\n", test_name);
	sys_exit(0);
}

void test_fail(const char *fmt, ...)
{
	char reason[PRINTF_MAX - 64];
	va_list ap;

	if (!claim_verdict())
		leave_verdict_to_winner();
	va_start(ap, fmt);
	fmt_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	printf("VERDICT %s FAIL: %s\n", test_name, reason);
	sys_exit(1);
}

/* Words of the command line are split by any whitespace a loader leaves. */
static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds "key=" at the start of a word of line[0..len). */
static const char *find_value(const char *line, size_t len, const char *key)
{
	size_t klen = strlen(key);
	size_t i = 0;

	while (i < len) {
		bool at_word = i == 0 || is_separator(line[i - 1]);

		if (at_word && i + klen < len &&
		    strncmp(line + i, key, klen) == 0 && line[i + klen] == '=')
			return line + i + klen + 1;
		i++;
	}
	return NULL;
}

long test_arg_str(const char *key, char *out, size_t size)
{
	char line[CMDLINE_MAX + 1];
	long len = sys_cmdline(line, CMDLINE_MAX);
	const char *v;
	size_t n = 0;

	/* Trust no length past the buffer we offered. */
	if (len < 0 || len > CMDLINE_MAX)
		return -1;
	line[len] = '\0';
	v = find_value(line, (size_t)len, key);
	if (!v)
		return -1;
	while (v[n] && !is_separator(v[n]))
		n++;
	if (size) {
		size_t keep = n < size ? n : size - 1;

		memcpy(out, v, keep);
		out[keep] = '\0';
	}
	return (long)n;
}

long test_arg(const char *key, long dflt)
{
	char text[32];
	long len = test_arg_str(key, text, sizeof(text));
	const char *p = text;
	bool negative = false;
	long v = 0;

	if (len <= 0 || len >= (long)sizeof(text))
		return dflt;
	if (*p == '-') {
		negative = true;
		p++;
	}
	if (!*p)
		return dflt;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return dflt;
		v = v * 10 + (*p - '0');
	}
	return negative ? -v : v;
}

long test_harts(void)
{
	struct mstats s;

	sys_stats(&s);
	return s.harts;
}

long test_each_hart(long harts, long (*fn)(long), long arg)
{
	for (long h = 0; h < harts; h++) {
		long v = -1, tid = thread_spawn(h, fn, arg);

		if (tid < 0 || sys_thread_join(tid, &v) != 0 || v != 0)
			return h;
	}
	return -1;
}

/*
 * The pages this process keeps for its next threads (spare roots) are
 * neither free nor lost: they go back when it ends, so they count with the
 * free ones. A leak elsewhere still shows, and so does a spare that
 * outlives a child, since only the caller's own spares are added.
 */
static bool stats_match(const struct mstats *a, const struct mstats *b)
{
	return a->free_pages + a->kept == b->free_pages + b->kept &&
	       a->procs == b->procs && a->threads == b->threads;
}

/*
 * The kernel finishes a teardown shortly after wait or join returns: the
 * dead thread's stack goes when its hart switches away, and object memory
 * after an epoch grace period. A grace period needs every hart to pass a
 * tick, which takes as long as the host takes to run them all: a busy host
 * can stall it for more than any fixed wait (a 100 ms wait once took the
 * snapshot with 41 pages still to come back). So a snapshot is taken only
 * once no free is deferred and the counts have held still for
 * STATS_QUIET_MS.
 */
void stats_snapshot(struct mstats *s)
{
	unsigned long hz;
	unsigned long since = sys_clock(&hz);
	struct mstats now;

	sys_stats(s);
	for (;;) {
		sys_yield();
		sys_stats(&now);
		if (!stats_match(&now, s) || now.deferred) {
			*s = now;
			since = sys_clock(NULL);
		} else if (sys_clock(NULL) - since > STATS_QUIET_MS * hz / 1000) {
			return;
		}
	}
}

bool stats_wait_settled(const struct mstats *want, struct mstats *now)
{
	unsigned long hz;
	unsigned long since = sys_clock(&hz);
	struct mstats last;

	sys_stats(&last);
	for (;;) {
		sys_stats(now);
		if (stats_match(now, want))
			return true;
		/* Still moving is not yet a leak: the window starts at the last change. */
		if (!stats_match(now, &last) || now->deferred != last.deferred) {
			last = *now;
			since = sys_clock(NULL);
		} else if (sys_clock(NULL) - since > STATS_SETTLE_SECONDS * hz) {
			return false;
		}
		sys_yield();
	}
}

void stats_settle(const struct mstats *want)
{
	struct mstats now;

	if (stats_wait_settled(want, &now))
		return;
	test_fail("stats did not settle: free_pages %ld (kept %ld) want %ld (kept %ld), "
		  "procs %ld want %ld, threads %ld want %ld, %ld frees deferred",
		  now.free_pages, now.kept, want->free_pages, want->kept, now.procs, want->procs,
		  now.threads, want->threads, now.deferred);
}

long checksum(long eid, long d1, long d2, long d3)
{
	return (eid * 31 + d1) * 31 + d2 * 7 + (d3 ^ 0x5a5a);
}

long hammer(long arg)
{
	struct hammer *h = (struct hammer *)arg;
	long i = h->lane;
	struct ipc_reply r;
	struct mself me;

	if (h->go)
		while (!__atomic_load_n(h->go, __ATOMIC_ACQUIRE))
			sys_yield();
	sys_self(&me);
	h->hart_before = me.hart;
	for (long k = 0; k < h->calls; k++) {
		long d1 = (i << 40) | k, d2 = ~k * 0x9e3779b9l + i, d3 = k ^ (i << 20);
		long st;

		/* Nothing left from the last reply can pass for this one. */
		r = (struct ipc_reply){ -1, { -1, -1, -1, -1 } };
		st = ipc_req(h->svc, h->op, d1, d2, d3, &r);
		h->made++;
		if (st == 0 && r.pid == h->svc && r.d[0] == checksum(h->client, d1, d2, d3) &&
		    r.d[1] == h->client && r.d[2] == h->svc && r.d[3] == 1) {
			h->ok++;
			continue;
		}
		if (!h->bad++) {
			h->first_bad = k;
			h->bad_status = st;
			h->bad_pid = r.pid;
			h->bad_word = r.d[0];
		}
	}
	sys_self(&me);
	h->hart_after = me.hart;
	return 0;
}

void hammer_check(const struct hammer *h, long hart)
{
	if (h->bad)
		test_fail("hart %ld: %ld of %ld calls wrong, first #%ld: status %ld "
			  "reply.pid %ld (want %ld) word %lx",
			  hart, h->bad, h->calls, h->first_bad, h->bad_status, h->bad_pid, h->svc,
			  h->bad_word);
	if (h->made != h->calls || h->ok != h->calls)
		test_fail("hart %ld: %ld calls made, %ld succeeded; want %ld", hart, h->made, h->ok,
			  h->calls);
	if (h->hart_before != hart || h->hart_after != hart)
		test_fail("thread for hart %ld ran on %ld, then %ld", hart, h->hart_before,
			  h->hart_after);
}

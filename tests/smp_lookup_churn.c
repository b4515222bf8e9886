/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ids looked up while their objects come and go on other harts.
 *
 * Churners (threads pinned to the first half of the harts, at least
 * one) create threads in a loop, on every hart in turn, and end each
 * one: it returns by itself, or the churner kills it, or it makes calls
 * into a stable service (/svc_smp_count) until it returns. Each live tid
 * is published in a table in our memory; once joined it is published
 * again marked JOINED. A spawner thread (on hart 0, a churner's) spawns a
 * service (/svc_echo) in a loop, publishes its pid, kills it, waits for
 * it and publishes the pid marked DEAD.
 *
 * Lookers (threads pinned to the other harts) meanwhile take published
 * ids and act on them:
 *  - ipc_abort(tid) and sys_thread_kill(tid): 0 or E_NOENT for an id
 *    not yet known to be joined, exactly E_NOENT for one marked JOINED;
 *  - ipc_req(pid) into the churned service: 0 (with the right checksum,
 *    responder and words), E_NOENT (pid 0, zero words) or E_DIED (the
 *    service's pid, zero words); exactly E_NOENT once it is marked DEAD.
 * The churners check each thread's join value (its own, or EXIT_KILLED
 * where a kill may have hit it), that their own kills of a thread not
 * yet joined return 0, and that a reaped tid gives E_NOENT; the churned
 * threads' calls return 0 with the right checksum, or E_ABORTED when a
 * looker aborted them. The spawner's kills return 0 and its waits
 * EXIT_KILLED.
 *
 * The load runs for `ms` (default 1500) ms of guest time; `ops` (a mask
 * of 1 abort, 2 kill, 4 call; default 7) and `spawn` (default 1) can
 * leave parts out when the test is booted by hand. Nothing may
 * fault (we survive to print the verdict), and at the end free pages,
 * processes and threads settle back to where they started. A warm-up
 * with more threads alive at once than the load ever has runs before
 * the snapshot, so activation tables and object caches our process
 * keeps are already there.
 */
#include <stdbool.h>
#include <test.h>

#include "proto/echo.h"

#define MAX_HARTS   64
#define RING        4                   /* published tids per churner */
#define MAX_SLOTS   (MAX_HARTS * RING)
#define JOINED      (1l << 40)
#define DEAD        (1l << 40)
#define ID_MASK     (JOINED - 1)
#define WARM        32

enum churn_kind { QUICK, KILLED, CALLS, KINDS };
enum look_op { ABORT, KILL, REQ, OPS };

/* What went wrong first in a thread, kept for the verdict. */
struct trouble {
	long n, what, id, status, value;
};

struct churner {
	long tid, cycles, kind[KINDS], killed_seen;
	struct trouble t;
} __attribute__((aligned(64)));

struct looker {
	long tid, ops[OPS], ok[OPS], noent[OPS], died, dead_checked;
	struct trouble t;
} __attribute__((aligned(64)));

static struct churner churners[MAX_HARTS];
static struct looker lookers[MAX_HARTS];
static long slots[MAX_SLOTS] __attribute__((aligned(64)));
static long svc_pub __attribute__((aligned(64)));
static long stop, go;
static long harts, nchurn, nlook, nslots, stable, self_pid, op_mask, spawn_on;
static long spawner_tid, spawns, spawn_bad, spawn_bad_status;
static long churned_bad, churned_bad_status, churned_calls, churned_aborted;
static unsigned long hz;

static long load(long *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(long *p, long v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static void add(long *p, long v)
{
	__atomic_add_fetch(p, v, __ATOMIC_SEQ_CST);
}

static unsigned long rnd(unsigned long *s)
{
	unsigned long x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void note(struct trouble *t, long what, long id, long status, long value)
{
	if (!t->n++)
		*t = (struct trouble){ 1, what, id, status, value };
}

static void spin_ticks(unsigned long ticks)
{
	unsigned long t0 = sys_clock(NULL);

	while (sys_clock(NULL) - t0 < ticks)
		;
}

/* Leaves the hart to others (the main thread shares the spawner's). */
static void pause_ticks(unsigned long ticks)
{
	unsigned long t0 = sys_clock(NULL);

	while (sys_clock(NULL) - t0 < ticks)
		sys_yield();
}

/* The churned threads. arg: kind | cycle << 8; the join value is value_of(arg). */
static long value_of(long arg)
{
	return 0x10000 + (arg >> 8 & 0xffff);
}

static long churned(long arg)
{
	struct ipc_reply r;
	long kind = arg & 0xff, st;

	if (kind == KILLED) {
		/* Until the churner's kill lands; bounded, in case it does not. */
		spin_ticks(hz / 20);
	} else if (kind == CALLS) {
		for (long k = 0; k < 20; k++) {
			long d1 = arg, d2 = k, d3 = arg ^ k;

			st = ipc_req(stable, ECHO_CALL, d1, d2, d3, &r);
			add(&churned_calls, 1);
			if (st == E_ABORTED) {
				add(&churned_aborted, 1);
			} else if (st != 0 || r.pid != stable ||
				   r.d[0] != checksum(self_pid, d1, d2, d3)) {
				if (!__atomic_fetch_add(&churned_bad, 1, __ATOMIC_SEQ_CST))
					store(&churned_bad_status, st);
			}
		}
	}
	return value_of(arg);
}

static long churn(long c)
{
	struct churner *ch = &churners[c];
	unsigned long seed = 0x9e3779b97f4a7c15ul * (unsigned long)(c + 1);
	long ring = 0;

	while (!load(&go))
		sys_yield();
	while (!load(&stop)) {
		long i = ch->cycles++, kind = (long)(rnd(&seed) % KINDS);
		long arg = kind | (i & 0xffff) << 8, v = -1, st;
		long slot = c * RING + ring;
		long tid = thread_spawn((c + i) % harts, churned, arg);

		ring = (ring + 1) % RING;
		ch->kind[kind]++;
		if (tid <= 0) {
			note(&ch->t, 1, 0, tid, 0);
			break;
		}
		store(&slots[slot], tid);
		if (kind == KILLED) {
			if (rnd(&seed) & 1)
				sys_yield();
			st = sys_thread_kill(tid);
			if (st != 0)
				note(&ch->t, 2, tid, st, 0);
		}
		st = sys_thread_join(tid, &v);
		if (st != 0)
			note(&ch->t, 3, tid, st, 0);
		else if (v == EXIT_KILLED)
			ch->killed_seen++;
		else if (v != value_of(arg))
			note(&ch->t, 4, tid, st, v);
		store(&slots[slot], tid | JOINED);
		/* Reaped: the id is gone for us too. */
		st = sys_thread_kill(tid);
		if (st != E_NOENT)
			note(&ch->t, 5, tid, st, 0);
		st = ipc_abort(tid);
		if (st != E_NOENT)
			note(&ch->t, 6, tid, st, 0);
	}
	return 0;
}

static void look_thread(struct looker *lk, long op, long v)
{
	long tid = v & ID_MASK, joined = v & JOINED, st;

	st = op == ABORT ? ipc_abort(tid) : sys_thread_kill(tid);
	lk->ops[op]++;
	if (st == 0 && !joined)
		lk->ok[op]++;
	else if (st == E_NOENT)
		lk->noent[op]++;
	else
		note(&lk->t, op, v, st, 0);
}

static void look_service(struct looker *lk, long v, long k)
{
	struct ipc_reply r = { -1, { -1, -1, -1, -1 } };
	long pid = v & ID_MASK, dead = v & DEAD, st;
	long d1 = k, d2 = v ^ k, d3 = ~k;

	st = ipc_req(pid, ECHO_CALL, d1, d2, d3, &r);
	lk->ops[REQ]++;
	if (dead)
		lk->dead_checked++;
	if (st == 0 && !dead && r.pid == pid && r.d[0] == checksum(self_pid, d1, d2, d3) &&
	    r.d[1] == self_pid && r.d[2] == pid && r.d[3] == 1)
		lk->ok[REQ]++;
	else if (st == E_NOENT && r.pid == 0 && !(r.d[0] | r.d[1] | r.d[2] | r.d[3]))
		lk->noent[REQ]++;
	else if (st == E_DIED && !dead && r.pid == pid && !(r.d[0] | r.d[1] | r.d[2] | r.d[3]))
		lk->died++;
	else
		note(&lk->t, REQ, v, st, r.pid);
}

/* Whether the lookers together have made every enabled kind of look yet. */
static bool all_kinds_looked(void)
{
	for (long k = 0; k < OPS; k++) {
		long n = 0;

		for (long l = 0; l < nlook; l++)
			n += load(&lookers[l].ops[k]);
		if (!n && (op_mask >> k & 1))
			return false;
	}
	return true;
}

static long look(long l)
{
	struct looker *lk = &lookers[l];
	unsigned long seed = 0xd1b54a32d192ed03ul * (unsigned long)(l + 7);

	while (!load(&go))
		sys_yield();
	for (long k = 0; !load(&stop); k++) {
		unsigned long x = rnd(&seed);
		long op = (long)(x % OPS), v;

		if (!(op_mask >> op & 1))
			continue;

		if (op == REQ) {
			v = load(&svc_pub);
			if (v)
				look_service(lk, v, k);
		} else {
			v = load(&slots[(x >> 8) % (unsigned long)nslots]);
			if (v)
				look_thread(lk, op, v);
		}
	}
	return 0;
}

static void note_spawn(long st)
{
	if (!spawn_bad++)
		spawn_bad_status = st;
}

static long spawner(long unused)
{
	unsigned long seed = 0x2545f4914f6cdd1dul;

	(void)unused;
	while (!load(&go))
		sys_yield();
	while (spawn_on && !load(&stop)) {
		long pid = sys_spawn("/svc_echo", 0), status = -1, st;

		if (pid <= 0) {
			note_spawn(pid);
			break;
		}
		store(&svc_pub, pid);
		/* Alive 2 to 10 ms, then killed; dead (and marked so) up to 1 ms more. */
		pause_ticks(hz / 500 + rnd(&seed) % (hz / 125));
		st = sys_kill(pid);
		if (st != 0)
			note_spawn(100 + st);
		st = sys_wait(pid, &status);
		if (st != 0 || status != EXIT_KILLED)
			note_spawn(st ? 200 + st : 300 + status);
		store(&svc_pub, pid | DEAD);
		pause_ticks(rnd(&seed) % (hz / 1000 + 1));
		spawns++;
	}
	return 0;
}

/* More threads at once than the load has, and its processes: caches and tables stay. */
static long warm_wait(long unused)
{
	(void)unused;
	while (!load(&go))
		sys_yield();
	return 0;
}

static void warm_up(void)
{
	long tids[WARM], pids[3], v, status;

	store(&go, 0);
	for (long i = 0; i < WARM; i++) {
		tids[i] = thread_spawn(i % harts, warm_wait, 0);
		CHECK_OK(tids[i]);
	}
	for (long i = 0; i < 3; i++) {
		pids[i] = sys_spawn(i ? "/svc_echo" : "/svc_smp_count", 0);
		CHECK(pids[i] > 0);
		CHECK_EQ(ipc_req(pids[i], ECHO_CALL, 1, 2, 3, 0), 0);
	}
	store(&go, 1);
	for (long i = 0; i < WARM; i++)
		CHECK_EQ(sys_thread_join(tids[i], &v), 0);
	for (long i = 0; i < 3; i++) {
		CHECK_EQ(sys_kill(pids[i]), 0);
		CHECK_EQ(sys_wait(pids[i], &status), 0);
	}
	store(&go, 0);
}

static const char *const op_names[] = { "ipc_abort", "thread_kill", "ipc_req" };

int main(void)
{
	struct mstats before;
	struct mself me;
	unsigned long t0;
	long ms, status = -1, v;
	long ops[OPS] = { 0 }, ok[OPS] = { 0 }, noent[OPS] = { 0 }, died = 0, dead = 0;
	long cycles = 0, killed = 0, kinds[KINDS] = { 0 };

	test_start("smp_lookup_churn");
	sys_self(&me);
	self_pid = me.pid;
	harts = test_harts();
	CHECK(harts >= 2 && harts <= MAX_HARTS);
	nchurn = harts / 2;
	nlook = harts - nchurn;
	nslots = nchurn * RING;
	ms = test_arg("ms", 1500);
	op_mask = test_arg("ops", (1 << OPS) - 1);
	spawn_on = test_arg("spawn", 1);
	sys_clock(&hz);
	warm_up();
	stats_snapshot(&before);

	stable = sys_spawn("/svc_smp_count", 0);
	CHECK(stable > 0);
	for (long c = 0; c < nchurn; c++) {
		churners[c].tid = thread_spawn(c, churn, c);
		CHECK_OK(churners[c].tid);
	}
	for (long l = 0; l < nlook; l++) {
		lookers[l].tid = thread_spawn(nchurn + l, look, l);
		CHECK_OK(lookers[l].tid);
	}
	spawner_tid = thread_spawn(0, spawner, 0);
	CHECK_OK(spawner_tid);

	t0 = sys_clock(NULL);
	store(&go, 1);
	/*
	 * At least `ms`, and on until every enabled kind of look has happened
	 * once: with many harts on few host cores a looker can be starved for
	 * a while (the bkl build at 8 harts on 2 cores). 30 s at most.
	 */
	while (sys_clock(NULL) - t0 < (unsigned long)ms * hz / 1000 ||
	       (!all_kinds_looked() && sys_clock(NULL) - t0 < 30 * hz))
		sys_yield();
	store(&stop, 1);

	for (long c = 0; c < nchurn; c++) {
		struct churner *ch = &churners[c];

		CHECK_EQ(sys_thread_join(ch->tid, &v), 0);
		CHECK_EQ(v, 0);
		if (ch->t.n)
			test_fail("churner %ld: %ld wrong results; first: step %ld, tid %lx, status "
				  "%ld, value %lx (steps: 1 spawn, 2 kill, 3 join, 4 join value, "
				  "5/6 kill/abort after the join)", c, ch->t.n, ch->t.what, ch->t.id,
				  ch->t.status, ch->t.value);
		cycles += ch->cycles;
		killed += ch->killed_seen;
		for (long k = 0; k < KINDS; k++)
			kinds[k] += ch->kind[k];
	}
	for (long l = 0; l < nlook; l++) {
		struct looker *lk = &lookers[l];

		CHECK_EQ(sys_thread_join(lk->tid, &v), 0);
		CHECK_EQ(v, 0);
		if (lk->t.n)
			test_fail("looker %ld: %ld wrong results; first: %s of %lx (marked %s) "
				  "returned %ld (reply.pid %ld)", l, lk->t.n, op_names[lk->t.what],
				  lk->t.id & ID_MASK, lk->t.id & JOINED ? "gone" : "live",
				  lk->t.status, lk->t.value);
		for (long k = 0; k < OPS; k++) {
			ops[k] += lk->ops[k];
			ok[k] += lk->ok[k];
			noent[k] += lk->noent[k];
		}
		died += lk->died;
		dead += lk->dead_checked;
	}
	CHECK_EQ(sys_thread_join(spawner_tid, &v), 0);
	CHECK_EQ(v, 0);
	if (spawn_bad)
		test_fail("spawner: %ld wrong results, first %ld (1xx kill, 2xx wait, 3xx status)",
			  spawn_bad, spawn_bad_status);
	if (churned_bad)
		test_fail("churned threads: %ld of %ld calls wrong, first status %ld", churned_bad,
			  churned_calls, churned_bad_status);
	printf("smp_lookup_churn: %ld churners made %ld threads (%ld quick, %ld killed, %ld "
	       "calling; %ld ended by a kill), %ld service lives\n", nchurn, cycles, kinds[QUICK],
	       kinds[KILLED], kinds[CALLS], killed, spawns);
	printf("smp_lookup_churn: %ld lookers: aborts %ld (%ld live, %ld gone), kills %ld (%ld "
	       "live, %ld gone), calls %ld (%ld answered, %ld gone, %ld died, %ld after the "
	       "wait); %ld of %ld churned calls aborted\n", nlook, ops[ABORT], ok[ABORT],
	       noent[ABORT], ops[KILL], ok[KILL], noent[KILL], ops[REQ], ok[REQ], noent[REQ], died,
	       dead, churned_aborted, churned_calls);
	CHECK(cycles > 0 && (spawns > 0 || !spawn_on));
	for (long k = 0; k < OPS; k++)
		CHECK(ops[k] > 0 || !(op_mask >> k & 1));

	CHECK_EQ(sys_kill(stable), 0);
	CHECK_EQ(sys_wait(stable, &status), 0);
	CHECK_EQ(status, EXIT_KILLED);
	stats_settle(&before);
	test_pass();
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stress fuzzer's shared definitions (docs/stress.md): the protocol
 * between the driver (/init, stress/stress.c) and its services
 * (stress/svc_stress.c), the ops a program is made of, the typed syscall
 * table and the argument tokens it is fuzzed with.
 */
#ifndef STRESS_STRESS_H
#define STRESS_STRESS_H

#include <stdbool.h>
#include <stdint.h>

#include <migrant.h>

#define NSVC        4    /* service slots, each respawned when its process dies */
#define MAX_CLIENTS 32   /* one client thread per hart */

/*
 * Commands, in d0 & 0xff. Above the START_* codes, so that no call is ever
 * read as a kernel start by the runtime.
 */
#define CMD_CHAIN   0x41  /* a hop of a chain; the rest of d0 says what follows */
#define CMD_SETUP   0x42  /* to a new service: d1 = the driver's pid */
#define CMD_PING    0x43  /* to a service: respond PING_TAG ^ d1 */
#define CMD_LOOKUP  0x44  /* to the driver: d1 = an L_* name; responds its value */

#define PING_TAG    0x5e7f1ceul

/* What CMD_LOOKUP resolves; L_SLOT + i is the pid serving slot i. */
enum lookup {
	L_DEAD_PID,        /* a process that existed and is gone */
	L_ZOMBIE_PID,      /* a child of the driver that exited and was not waited for */
	L_DEAD_TID,        /* a thread that existed and is gone */
	L_CLIENT_TID,      /* a client thread of the driver (+ index in d2) */
	L_INIT,            /* the driver itself, /init */
	L_SLOT,
};

/* What the last hop of a chain does. */
enum term {
	T_RESP,    /* respond with the checksum and our ipc_depth */
	T_FUZZ,    /* one syscall from the typed table, in the service */
	T_FAULT,   /* store to address 0: the service dies of it */
	T_EXIT,    /* exit inside the call: the service ends */
	T_SHM,     /* map the shared region in d3, check and answer through it */
	T_SIGNAL,  /* notify slot d3 & 7 with bits d3 >> 8 */
	T_YIELD,   /* yield d3 & 7 times, then respond */
	T_TIMER,   /* arm a one-tick timer whose handler makes hop d3 (HOP_BITS); wait for it */
	T_SHMHIT,  /* map region d3 (someone else's, maybe being freed), scribble, unmap */
	T_TMAKE,   /* create and join threads, their tids published (RK_MAKE_THREAD) */
	T_THIT,    /* kill (d3 = RK_HIT_TKILL) or abort the tids published here */
	T_COUNT
};

/*
 * A chain: n hops (1..4), hop i in bits 3 + 5i: its kind (2 bits) and its
 * target slot (3 bits; NSVC and above mean the hop's own process).
 */
enum hop_kind { H_REQ, H_FWD, H_TAIL, H_KICK };
#define HOPS_MAX 4
#define HOPS_N(h)        ((h) & 7)
#define HOP_KIND(h, i)   (((h) >> (3 + 5 * (i))) & 3)
#define HOP_SLOT(h, i)   (((h) >> (5 + 5 * (i))) & 7)
/* The chain without its first hop. */
#define HOPS_REST(h)     ((((h) >> 5) & ~7ul) | (HOPS_N(h) - 1))

/* d0 of a chain call: CMD_CHAIN | term << 8 | syscall nr << 12 | hops << 20. */
#define CHAIN_D0(term, nr, hops) \
	(CMD_CHAIN | ((long)(term) << 8) | ((long)(nr) << 12) | ((long)(hops) << 20))
#define D0_TERM(d0)  (((d0) >> 8) & 0xf)
#define D0_NR(d0)    (((d0) >> 12) & 0xff)
#define D0_HOPS(d0)  ((unsigned long)(d0) >> 20)

/*
 * A chain's reply, from its last hop or from the hop whose own call
 * failed: d0 = tag ^ mix(tokens, nonce) with the tokens and the nonce the
 * chain carried unchanged in d1 and d2, d1 and d2 the result, d3 =
 * mix(nonce, d1 ^ d2). The caller recomputes both checksums.
 */
#define TAG_OK   0x0c0ffee0c0ffee00ul
#define TAG_ERR  0x0badca11ba5e0000ul

static inline unsigned long mix(unsigned long a, unsigned long b)
{
	unsigned long z = a * 0x9e3779b97f4a7c15ul ^ (b + 0x632be59bd9b4e019ul);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ul;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebul;
	return z ^ (z >> 31);
}

/*
 * What a handler reports (in bits REPORT_SHIFT and up of every TAG_OK
 * reply's d2): checks a service made outside any call, in notification
 * handlers and in its fork and exec steps, that went wrong.
 */
#define REPORT_SHIFT 40
#define REPORT_HANDLER (1ul << 40)  /* a handler's tail, fwd or kick was not refused with E_INVAL */
#define REPORT_FORK    (1ul << 41)  /* a fork step's call into, or wait for, its child went wrong */

/*
 * Signal bits a service acts on, besides counting them. A hop made from a
 * handler is kind HOP_KIND_OF(bits) into slot HOP_SLOT_OF(bits) (NSVC and
 * above: itself); a fork step forks from a fresh thread when FORK_THREAD
 * is set, after that thread's root took FORK_FRAME64 ? 64 : 4 KiB, with
 * FORK_DEPTH KiB of its stack in use.
 */
/*
 * They count only beside SIG_MAGIC in bits 32..47, which no fuzzed flags
 * word (edges, R_ALL, ~R_ALL) and no single bit holds: the differential
 * mode's programs, whose results must not depend on timing, never exec or
 * fork a service by accident.
 */
#define SIG_MAGIC      (0x5a5aul << 32)
#define SIG_MAGIC_MASK (0xfffful << 32)
#define SIG_ACTS(b)    (((b) & SIG_MAGIC_MASK) == SIG_MAGIC)
#define SIG_EXEC      (1ul << 63)   /* exec /svc_stress once back in the root */
#define SIG_FORK      (1ul << 62)   /* fork once back in the root */
#define SIG_HOP       (1ul << 61)   /* make a hop from the signal handler */
#define HOP_BITS(kind, slot)  ((unsigned long)(kind) << 56 | (unsigned long)(slot) << 58)
#define HOP_KIND_OF(b)        (((b) >> 56) & 3)
#define HOP_SLOT_OF(b)        (((b) >> 58) & 7)
#define FORK_THREAD   (1ul << 53)
#define FORK_FRAME64  (1ul << 54)
#define FORK_DEPTH(b) (((b) >> 48) & 31)

/* One step of a program (stress/prog.c gives the text form). */
enum op_kind {
	OP_CHAIN,   /* a = { hops, term, nr, tokens, aux } */
	OP_KILL,    /* kill slot a[0] */
	OP_SIGNAL,  /* notify slot a[0] with bits a[1] */
	OP_SHM,     /* a shared region of size token a[1] through a chain to slot a[0] */
	OP_SYS,     /* syscall a[2] with tokens a[3], in the driver */
	OP_RACE,    /* a[0] a race_kind: make ids, or aim at the ids predicted next */
	OP_COUNT
};

/*
 * Races on predicted ids (OP_RACE, stress/race.c): a maker spawns
 * processes (in the driver) or creates threads (in a service, T_TMAKE)
 * RACE_ROUNDS times, publishing before each the ids it guesses the next
 * one will get; a hitter calls, kills or signals those pids, or kills or
 * aborts those tids (in the same service, T_THIT), until no maker is left.
 */
enum race_kind { RK_MAKE_PROC, RK_MAKE_THREAD, RK_HIT_CALL, RK_HIT_KILL, RK_HIT_NOTIFY,
		 RK_HIT_TKILL, RK_HIT_ABORT, RK_COUNT };
#define RACE_ROUNDS 8
#define RACE_SLOTS  4096        /* ids' slot field (src/sync/idtable.h) */
#define RACE_BAD    (-1000)     /* a make or hit whose result the table does not allow */

struct race {
	volatile long last;               /* the last id made */
	volatile long after[RACE_SLOTS];  /* by slot: the id made after it */
	volatile long cand[2];            /* the published guesses */
	volatile long makers;
};

void race_note(struct race *r, long id);
/* Calls make(arg) RACE_ROUNDS times (it makes, checks and undoes); RACE_BAD if one was bad. */
long race_make(struct race *r, long (*make)(unsigned long), unsigned long arg);
/* hit(kind, id) at the guesses while makers work, sparing ids spare() names; RACE_BAD or the last status. */
long race_hit(struct race *r, long (*hit)(long, long), long kind, bool (*spare)(long));

/* OP_SHM a[2]: the region is published for hitters, and freed before it is unmapped. */
#define SHM_PUBLISH 1ul
#define SHM_FREE_FIRST 2ul
#define SHM_HIT 4ul   /* no region of our own: hit the published one */

#define OP_ARGS 5
struct op {
	int kind;
	unsigned long a[OP_ARGS];
};

/*
 * Argument tokens: ten bits each, six in a word, lowest first. A token is
 * a class (4 bits) and a parameter (6 bits); the class is resolved against
 * the argument's kind when the call is made (stress/fuzz.c).
 */
enum vclass {
	V_ZERO, V_ONE, V_NEG1, V_POW2, V_POW2M1, V_POW2P1, V_SMALL, V_TOP,
	V_SELF, V_OTHER, V_DEAD, V_ZOMBIE, V_KADDR, V_UNMAPPED, V_MISALIGNED, V_VALID,
	V_COUNT
};
#define TOKEN(t, i)      (((t) >> (10 * (i))) & 0x3ff)
#define TOKEN_CLASS(k)   ((k) & 0xf)
#define TOKEN_PARAM(k)   ((k) >> 4)

/*
 * A_TEXT is an address whose bytes go to the console: it never points into
 * the image, whose strings could pass for the harness's own lines.
 */
enum akind { A_NONE, A_PID, A_TID, A_ADDR, A_TEXT, A_LEN, A_FLAGS, A_WORD, A_HART, A_SHMID, A_CODE };

/* Where a table entry may run: inside a service's call, or in the driver. */
#define IN_SVC     1u
#define IN_DRIVER  2u
/* Its results do not depend on timing or on how harts interleave. */
#define STABLE     4u

struct sysdesc {
	const char *name;
	long nr;
	uint8_t args[6];
	uint32_t allowed;   /* bit 0: a value >= 0; bit -code: that error */
	unsigned where;
};

#define OKV        1u
#define ERR(e)     (1u << -(e))

extern const struct sysdesc sys_table[];
extern const unsigned sys_table_len;

const struct sysdesc *sys_find(long nr);
bool sys_allowed(const struct sysdesc *d, long result);

/*
 * What resolving tokens needs from the process that makes the call: its
 * own ids, where its buffers are, and a lookup for everyone else's
 * (L_* names; returns 0 for unknown).
 */
struct fuzz_ctx {
	long pid;
	long tid;
	long harts;
	char *buf;              /* FUZZ_BUF bytes, page aligned */
	long (*lookup)(long what, long index);
	long (*thread_entry)(long);
};
#define FUZZ_BUF 8192

/*
 * Makes the call tokens describe, then undoes whatever a success created
 * (memory, regions, mappings, children, threads), so an op leaves nothing
 * behind. Returns what the call returned in a0.
 */
long fuzz_call(const struct fuzz_ctx *c, const struct sysdesc *d, unsigned long tokens);

/* Programs: deterministic functions of (seed, client, index). */
struct gen_opts {
	bool stable;        /* only ops whose results do not depend on timing */
	unsigned where;     /* IN_SVC | IN_DRIVER */
};
void op_generate(struct op *op, unsigned long seed, long client, long index,
		 const struct gen_opts *o);
/* "K a0 a1 a2 a3 a4" in hex; returns the length written. */
int op_format(const struct op *op, char *buf, int size);
/* Parses one op from *p, advancing it; false at the end or on junk. */
bool op_parse(const char **p, struct op *op);

#endif

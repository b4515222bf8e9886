#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run migrant's stress fuzzer (stress/, docs/stress.md) and judge the run.

  stress.py --kernel K --initrd I --elf E --locking L [--harts N]
            [--seconds T] [--seed S] [--prog FILE]
  stress.py --diff KERNEL_A KERNEL_B [--names fine,bkl] --initrd I --elf E [--progs N]

Load mode boots one QEMU and watches it: the guest prints every client's op
count ("STRESS hb", one client pinned to every hart) twice a second; a
client whose count stands still for HANG_S seconds of its hart's own time
outside a quiescent point, or a guest silent that long, is a hang: wall time
less what the host kept the hart's vCPU thread waiting to run
(tools/hostclock.py), so a starved QEMU is slow, not hung. Beyond that the
run is judged by guest.judge, the rule every tool shares: a kernel PANIC
or ASSERT, a "STRESS violation", the timeout, a missing result, a missing
`MIGRANT-END status=0` or a QEMU exit status other than 0 fail it. The last
lines are

  stress: PASS seed=S harts=H locking=L seconds=T calls=N violations=0
  stress: FAIL seed=S harts=H locking=L: <what broke>
  stress: reproduce: make stress ...

At HARTS=1 QEMU runs under -icount, so a seed replays instruction for
instruction. --prog runs an explicit program (lines "<client> <op>", as
tools/minimize.py writes them) patched into a copy of the driver.

Diff mode boots each build once at one hart under -icount, runs N short
programs of ops whose results do not depend on timing, and compares the
per-program hashes of their results; any difference fails.
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import guest  # noqa: E402
import qemu  # noqa: E402
from monitor import Monitor  # noqa: E402

# Seconds of a hart's own time without progress that make a hang (the
# issue's rule; tools/hostclock.py). STRESS_HANG_S changes it.
HANG_S = int(os.environ.get("STRESS_HANG_S", "5"))
MARKER = b"STRESS-PROG-MARKER"
PROG_MAX = 32768
# One instruction is 2**ICOUNT_SHIFT ns of guest time; sleep=off makes an
# idle hart skip ahead to its next timer instead of waiting on the host.
ICOUNT = "-icount shift=2,sleep=off"


def pick_seed():
    return random.SystemRandom().randrange(1, 1 << 32)


def patch_program(elf, text):
    """A copy of the driver's ELF with the program over its marker."""
    data = bytearray(Path(elf).read_bytes())
    at = data.find(MARKER)
    blob = text.encode() + b"\0"
    if at < 0 or data.count(MARKER) != 1:
        raise SystemExit(f"stress: {elf} does not hold exactly one program marker")
    if len(blob) > PROG_MAX:
        raise SystemExit(f"stress: program of {len(blob)} bytes is over {PROG_MAX}")
    data[at:at + len(blob)] = blob
    return bytes(data)


def make_initrd(elf, program, workdir):
    """An initrd like build/user/stress.cpio, its /init carrying the program."""
    root = Path(workdir) / "root"
    root.mkdir()
    (root / "init").write_bytes(patch_program(elf, program))
    shutil.copy(Path(elf).parent / "svc_stress.elf", root / "svc_stress")
    out = Path(workdir) / "prog.cpio"
    names = subprocess.run(["find", ".", "-type", "f"], cwd=root, check=True,
                           capture_output=True, text=True).stdout
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, check=True,
                       input="\n".join(sorted(names.split())) + "\n", text=True, stdout=f)
    return str(out)


class Run:
    """One boot: its console lines, and what the watchdog saw."""

    def __init__(self):
        self.lines = []
        self.hang = None
        self.exit = None
        self.where = []   # on a hang: where each hart was (Monitor.where)




def boot(kernel, initrd, cmdline, harts, mem, timeout, echo=False, watch=True):
    with tempfile.TemporaryDirectory() as tmp:
        return boot_in(tmp, kernel, initrd, cmdline, harts, mem, timeout, echo, watch)


class Watchdog:
    """Progress from the heartbeats: a hart's count that stands still for
    HANG_S of its own time (tools/hostclock.py: wall time less what the host
    kept its vCPU thread waiting to run) outside a quiescent point, or a
    console silent for HANG_S of the whole QEMU's time, is a hang.

    A hart's stall is measured only up to the latest heartbeat that shows
    its count unchanged, never up to now: the heartbeats are printed by an
    unpinned driver thread, so while the host starves the printer's vCPU,
    no news is not bad news about the other harts. That case is the silent
    console's, on the whole QEMU's clock."""

    def __init__(self, run):
        self.run, self.seen = run, 0
        self.counts, self.changed, self.heard, self.quiet = None, [], [], False
        self.last_line = None

    def reset(self, clock, n):
        self.changed = [clock.mark(i) for i in range(n)]
        self.heard = list(self.changed)

    def check(self, clock):
        lines = self.run.lines
        for line in lines[self.seen:]:
            if line.startswith("STRESS hb"):
                vals = [int(v) for v in line.split()[2:]]
                if self.counts is None or len(vals) != len(self.counts):
                    self.counts = vals
                    self.reset(clock, len(vals))
                for i, v in enumerate(vals):
                    self.heard[i] = clock.mark(i)
                    if v != self.counts[i]:
                        self.counts[i], self.changed[i] = v, self.heard[i]
            elif line.startswith("STRESS quiesce"):
                self.quiet = line.endswith("begin")
                self.reset(clock, len(self.changed))
        if len(lines) > self.seen or self.last_line is None:
            self.seen, self.last_line = len(lines), clock.mark()
        silent = clock.overdue(self.last_line, HANG_S, own_time="QEMU's time")
        if self.counts is not None and silent:
            return f"hang: no output for {silent}"
        if self.quiet:
            return None
        for i, (mark, heard) in enumerate(zip(self.changed, self.heard)):
            stuck = clock.overdue(mark, HANG_S, hart=i, until=heard)
            if stuck:
                return f"hang: hart {i} made no progress for {stuck}"
        return None


def boot_in(tmp, kernel, initrd, cmdline, harts, mem, timeout, echo, watch):
    monitor = Monitor(tmp, kernel)
    extra = (ICOUNT.split() if harts == 1 else []) + monitor.args()
    run = Run()

    def on_line(line):
        line = line.replace("\0", "")
        # Fuzzed puts calls print bytes with no newline: a line of ours
        # may follow them on the same console line.
        at = line.rfind("STRESS ")
        line = line[at:] if at > 0 else line
        run.lines.append(line)
        if echo and (line.startswith("STRESS progress") or line.startswith("STRESS start")
                     or line.startswith("STRESS violation") or guest.PANIC_RE.search(line)):
            print(line, flush=True)

    def sample(reason):
        run.where = monitor.where()

    con = guest.boot(kernel, initrd, cmdline, harts, mem, extra=extra, timeout=timeout,
                     on_line=on_line, watch=Watchdog(run).check if watch else None,
                     before_kill=sample)
    run.hang, run.exit = con.stopped, con.exit
    return run


def violation(lines):
    for line in lines:
        if line.startswith("STRESS violation "):
            return line[len("STRESS violation "):]
    return None


def judge(run):
    """(what broke or None, the result line's fields)."""
    fields = {}
    for line in run.lines:
        if line.startswith("STRESS result "):
            fields = dict(w.split("=", 1) for w in line.split()[2:] if "=" in w)

    def result(lines):
        if not fields:
            return "no result line"
        if fields.get("violations") != "0":
            return f"violations={fields.get('violations')}"
        return None

    return guest.judge(run.lines, run.exit, run.hang, failed=violation, expect=result), fields


def load_cmdline(seed, seconds, extra=""):
    return f"mode=load seed={seed} seconds={seconds}" + (f" {extra}" if extra else "")


def run_load(args, program=None, echo=True):
    """Boots one load run; returns (what broke or None, fields, run)."""
    with tempfile.TemporaryDirectory() as tmp:
        initrd = make_initrd(args.elf, program, tmp) if program else args.initrd
        run = boot(args.kernel, initrd, load_cmdline(args.seed, args.seconds), args.harts,
                   args.mem, args.seconds * 4 + 60, echo=echo)
    what, fields = judge(run)
    return what, fields, run


def label(args):
    return args.locking + ("+lockdebug" if args.lockdebug == "1" else "")


def reproduce_line(args):
    knobs = f"HARTS={args.harts} SEED={args.seed} LOCKING={args.locking} SECONDS={args.seconds}"
    if args.lockdebug == "1":
        knobs += " LOCKDEBUG=1"
    if args.inject != "1":
        knobs += " INJECT=0"
    return f"stress: reproduce: make stress {knobs}"


def main_load(args):
    program = Path(args.prog).read_text() if args.prog else None
    what, fields, run = run_load(args, program)
    log = Path(args.log) if args.log else None
    if log:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("\n".join(run.lines) + "\n")
    head = f"seed={args.seed} harts={args.harts} locking={label(args)}"
    if fields.get("migrations"):
        secs = max(args.seconds, 1)
        print(f"stress: calls={fields.get('calls')} ({int(fields['calls']) // secs}/s) "
              f"ok={fields.get('ok')} errs={fields.get('errs')} "
              f"migrations={fields['migrations']} ({int(fields['migrations']) // secs}/s) "
              f"respawns={fields.get('respawns')}")
    if what is None:
        print(f"stress: PASS {head} seconds={args.seconds} calls={fields.get('calls')} "
              f"violations=0")
        return 0
    print("\n".join("    | " + l for l in run.lines[-20:]))
    if run.where:
        print(f"stress: where the harts were, {Monitor.SAMPLES} samples {Monitor.GAP_S} s apart:")
        print("\n".join("stress:   " + l for l in run.where))
    if log:
        print(f"stress: console log in {log}")
    print(f"stress: FAIL {head}: {what}")
    if program:
        print(f"stress: reproduce: python3 tools/stress.py --kernel {args.kernel} "
              f"--initrd {args.initrd} --elf {args.elf} --locking {args.locking} "
              f"--harts {args.harts} --seconds {args.seconds} --seed {args.seed} "
              f"--prog {args.prog}")
    else:
        print(reproduce_line(args))
    return 1


def traces(kernel, args, progs):
    cmdline = f"mode=diff seed={args.seed} progs={progs} len={args.len}"
    run = boot(kernel, args.initrd, cmdline, 1, args.mem, args.timeout, watch=False)
    what, fields = judge(run)
    got = {}
    for line in run.lines:
        m = re.match(r"STRESS trace (\d+) ([0-9a-f]+)((?: [0-9a-f]+)*)$", line)
        if m:
            got[int(m.group(1))] = (m.group(2), m.group(3).split())
    return what, fields, got, run


def main_diff(args):
    names = args.names.split(",")
    results = [traces(k, args, args.progs) for k in args.diff]
    head = f"seed={args.seed} harts=1 " + ("locking=fine,bkl" if names == ["fine", "bkl"]
                                           else f"builds={args.names}")
    again = "make stress-diff" + ("" if names == ["fine", "bkl"] else " PAIR=fastpath")
    for name, (what, _, got, run) in zip(names, results):
        if what is None and len(got) != args.progs:
            what = f"{len(got)} of {args.progs} programs traced"
        if what:
            print("\n".join("    | " + l for l in run.lines[-20:]))
            print(f"stress: FAIL {head}: {name} build: {what}")
            print(f"stress: reproduce: {again} SEED={args.seed} PROGS={args.progs}")
            return 1
    a, b = results[0][2], results[1][2]
    for p in range(args.progs):
        if a.get(p) != b.get(p):
            (ha, wa), (hb, wb) = a.get(p, ("-", [])), b.get(p, ("-", []))
            call = next((i for i, (x, y) in enumerate(zip(wa, wb)) if x != y), None)
            at = "" if call is None else f" (call {call}: {wa[call]} in {names[0]}, {wb[call]} in {names[1]})"
            print(f"stress: FAIL {head}: program {p} traced {ha} in {names[0]}, {hb} in {names[1]}{at}")
            print(f"stress: reproduce: {again} SEED={args.seed} PROGS={p + 1} TRACE=1")
            return 1
    calls = results[0][1].get("calls")
    print(f"stress: PASS {head} programs={args.progs} calls={calls} violations=0")
    return 0


def main_trace(args):
    """Prints both builds' per-call results for the programs, side by side where they differ."""
    logs = []
    for k in args.diff:
        cmdline = f"mode=diff seed={args.seed} progs={args.progs} len={args.len} trace=1"
        run = boot(k, args.initrd, cmdline, 1, args.mem, args.timeout, watch=False)
        logs.append([l for l in run.lines if l.startswith("STRESS call ")])
    for x, y in zip(*logs):
        print(("  " if x == y else "! ") + x + ("" if x == y else f"   | {args.names.split(',')[1]}: {y.split('-> ')[-1]}"))
    return 0


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Run the migrant stress fuzzer.")
    ap.add_argument("--kernel")
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--elf", required=True, help="build/user/stress.elf (for --prog)")
    ap.add_argument("--locking", default="fine")
    ap.add_argument("--lockdebug", default="0")
    ap.add_argument("--inject", default="1")
    ap.add_argument("--harts", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--mem", default=qemu.DEFAULT_MEM)
    ap.add_argument("--prog", help="run this explicit program instead of the seed's")
    ap.add_argument("--log", help="write the console here")
    ap.add_argument("--diff", nargs=2, metavar=("A", "B"),
                    help="differential mode: compare these two kernels")
    ap.add_argument("--names", default="fine,bkl", help="with --diff: what to call the two builds")
    ap.add_argument("--progs", type=int, default=2000)
    ap.add_argument("--len", type=int, default=12)
    ap.add_argument("--trace", action="store_true", help="with --diff: print every call")
    ap.add_argument("--timeout", type=int, default=None,
                    help="with --diff: seconds per boot (default 60 + PROGS / 20; "
                         "a boot runs about 200 programs a second)")
    args = ap.parse_args(argv)
    if args.timeout is None:
        args.timeout = 60 + args.progs // 20
    if not args.diff and not args.kernel:
        ap.error("--kernel is required without --diff")
    if args.seed is None:
        args.seed = pick_seed()
        print(f"stress: no SEED given, picked seed={args.seed}", flush=True)
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.diff:
        return main_trace(args) if args.trace else main_diff(args)
    return main_load(args)


if __name__ == "__main__":
    sys.exit(main())

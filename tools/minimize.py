#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Shrink a failing stress run to the smallest program that still fails.

  minimize.py --kernel K --initrd I --elf E --locking L --harts H --seed S
              [--find-seconds T] [--seconds T] [--window W] [--prog FILE]

1. Without --prog, runs the seed (load mode, --find-seconds) until it
   fails, and takes every client's last `window` ops before the failure
   (the guest generates them again: mode=dump) as an explicit program.
2. Checks that the program fails the same way, then drops ops (halves,
   quarters, ... single ops) and sets fields and argument tokens to zero,
   keeping each change while the failure persists: in at least 3 of 5 runs
   at several harts, in the one run that matters at 1 hart (-icount makes
   it replay exactly).
3. Prints the smallest program and the command that runs it.
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import stress  # noqa: E402

# Fields of an op that hold six argument tokens of ten bits (stress.h).
TOKEN_FIELDS = {0: [3], 4: [3]}   # OP_CHAIN and OP_SYS: a[3]


def kind_of(what):
    """What broke, without the numbers that change from run to run."""
    if what.startswith("panic"):
        core = what
    elif what.startswith(("hang", "timeout")):
        return "hang"
    else:
        core = what.split("): ", 1)[-1].split(" (status", 1)[0]
    return re.sub(r"0x[0-9a-f]+|[0-9a-f]{6,}|\d+", "#", core)


class Tester:
    def __init__(self, args):
        self.args = args
        self.want = None
        self.tries = 0

    def fails(self, prog):
        """Whether prog fails like the original, by the 3-of-5 rule."""
        runs, need = (1, 1) if self.args.harts == 1 else (5, 3)
        bad = good = 0
        for _ in range(runs):
            self.tries += 1
            what, _, _ = stress.run_load(self.args, text_of(prog), echo=False)
            if what is not None and (self.want is None or kind_of(what) == self.want):
                if self.want is None:
                    self.want = kind_of(what)
                bad += 1
            else:
                good += 1
            if bad >= need or good > runs - need:
                break
        ok = bad >= need
        print(f"minimize: try {self.tries}: {len(prog)} ops: {'fails' if ok else 'passes'}",
              flush=True)
        return ok


def text_of(prog):
    return "".join(f"{c} {op}\n" for c, op in prog)


def parse_prog(text):
    prog = []
    for line in text.splitlines():
        words = line.split()
        if len(words) == 7:
            prog.append((int(words[0]), " ".join(words[1:])))
    return prog


def find_failure(args):
    """Runs the seed; returns (what broke, every client's op count) or None."""
    seconds = args.seconds
    args.seconds = args.find_seconds
    what, _, run = stress.run_load(args, echo=False)
    args.seconds = seconds
    if what is None:
        return None
    counts = []
    for line in run.lines:
        if line.startswith("STRESS hb"):
            counts = [int(v) for v in line.split()[2:]]
    return what, counts


def dump_window(args, counts):
    """Each client's ops up to the one it was making, `window` of them."""
    starts = [max(0, c - args.window + 1) for c in counts]
    cmdline = (f"mode=dump seed={args.seed} count={args.window} "
               + " ".join(f"from{i}={s}" for i, s in enumerate(starts)))
    run = stress.boot(args.kernel, args.initrd, cmdline, args.harts, args.mem, 120, watch=False)
    prog = []
    for line in run.lines:
        m = re.match(r"STRESS op (\d+) (.*)$", line)
        if m:
            prog.append((int(m.group(1)), m.group(2)))
    return prog


def drop_ops(t, prog):
    """Delta debugging over the ops: remove chunks while it still fails."""
    chunk = max(1, len(prog) // 2)
    while chunk >= 1:
        i = 0
        while i < len(prog):
            cand = prog[:i] + prog[i + chunk:]
            if cand and t.fails(cand):
                prog = cand
            else:
                i += chunk
        chunk //= 2
    return prog


def simplify(t, prog):
    """Zeroes fields, then single argument tokens, keeping what still fails."""
    for n in range(len(prog)):
        c, op = prog[n]
        words = op.split()
        for f in range(1, 6):
            if words[f] == "0":
                continue
            trial = words[:f] + ["0"] + words[f + 1:]
            cand = prog[:n] + [(c, " ".join(trial))] + prog[n + 1:]
            if t.fails(cand):
                prog, words = cand, trial
        for f in TOKEN_FIELDS.get(int(words[0]), []):
            for k in range(6):
                v = int(words[f + 1], 16)
                if not (v >> (10 * k)) & 0x3ff:
                    continue
                trial = list(words)
                trial[f + 1] = format(v & ~(0x3ff << (10 * k)), "x")
                cand = prog[:n] + [(c, " ".join(trial))] + prog[n + 1:]
                if t.fails(cand):
                    prog, words = cand, trial
    return prog


def main(argv=None):
    ap = argparse.ArgumentParser(description="Minimize a failing stress program.")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--locking", default="fine")
    ap.add_argument("--lockdebug", default="0")
    ap.add_argument("--inject", default="1")
    ap.add_argument("--harts", type=int, default=4)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--find-seconds", type=int, default=60,
                    help="how long the seed may run to fail")
    ap.add_argument("--seconds", type=int, default=5, help="length of each try")
    ap.add_argument("--window", type=int, default=32, help="ops per client before the failure")
    ap.add_argument("--prog", help="start from this program instead of the seed")
    ap.add_argument("--out", default="build/stress-min.prog")
    args = ap.parse_args(argv)
    args.window = min(args.window, 127)

    t = Tester(args)
    if args.prog:
        prog = parse_prog(Path(args.prog).read_text())
    else:
        found = find_failure(args)
        if not found:
            print(f"minimize: seed {args.seed} passed in {args.find_seconds} s; nothing to do")
            return 1
        what, counts = found
        print(f"minimize: seed {args.seed} fails: {what}")
        print(f"minimize: clients were at ops {counts}")
        prog = dump_window(args, counts)
    if not t.fails(prog):
        print(f"minimize: the {len(prog)}-op program does not fail {'' if args.harts == 1 else '3 of 5 times '}"
              f"in {args.seconds} s; reproduce with the seed instead")
        return 1
    print(f"minimize: {len(prog)} ops fail with: {t.want}")
    prog = drop_ops(t, prog)
    prog = simplify(t, prog)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text_of(prog))
    print(f"minimize: smallest program, {len(prog)} ops, after {t.tries} runs "
          f"(lines: client kind a0..a4, stress/stress.h):")
    print(text_of(prog), end="")
    print(f"minimize: written to {out}; run it with:")
    print(f"  python3 tools/stress.py --kernel {args.kernel} --initrd {args.initrd} "
          f"--elf {args.elf} --locking {args.locking} --harts {args.harts} "
          f"--seconds {args.seconds} --seed {args.seed} --prog {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

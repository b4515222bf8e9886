#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`make profile`: one benchmark scenario under a PROFILE=1 kernel.

Boots build/<locking>-profile/ with `test=bench scenarios=<BENCH> profile=1`
(multi-threaded TCG, one worker pinned per hart); the kernel profiles the
measured windows and prints PROFILE-* lines, which this turns into, in
--out (build/profile/):

  locks.txt     per lock class: acquisitions, contended ones, total and
                maximum wait, maximum hold (timebase ticks), by total wait
  hotspots.txt  timer-tick pc samples from every hart, symbolized against
                the kernel and program ELFs: the top 30 functions, and the
                kernel/user/idle split
  pmu.txt       SBI PMU counts per event and hart; events the platform
                cannot count are listed as such
  console.log   the whole console

Usage: profile.py --bench SCENARIO [--harts N] [--locking fine|bkl] [--seconds S] [--runs R]
"""
import argparse
import collections
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import guest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TOP = 30

BEGIN_RE = re.compile(r"^PROFILE-BEGIN timebase=(\d+) tick_hz=(\d+) harts=(\d+)")
LOCK_RE = re.compile(r'^PROFILE-LOCK class="([^"]+)" acquired=(\d+) contended=(\d+) '
                     r"wait_total=(\d+) wait_max=(\d+) hold_max=(\d+)")
SAMPLE_RE = re.compile(r"^PROFILE-SAMPLE (\d+) ([uki]) (\S+) ([0-9a-f]+)")
PMU_RE = re.compile(r"^PROFILE-PMU (\d+) (\S+) (\d+|unsupported (-?\d+))")
DROP_RE = re.compile(r"^PROFILE-DROPPED (\d+) (\d+)")
RUN_RE = re.compile(r"^BENCH (\S+) harts=(\d+) run=(\d+) ops=(\d+) ticks=(\d+) hz=(\d+)")


def run(args, variant, log):
    line = (f"test=bench harts={args.harts} runs={args.runs} ms={int(args.seconds * 1000)} "
            f"scenarios={args.bench} profile=1")
    timeout = (args.runs + 1) * (args.seconds + 1) + 120
    con = guest.boot(str(REPO / "build" / variant / "migrant.bin"),
                     str(REPO / "build" / "user" / "test.cpio"), line, args.harts,
                     timeout=timeout, log=log)
    reason = guest.judge(con.lines, con.exit, con.stopped, test="bench",
                         expect=lambda lines: None if "PROFILE-END" in lines else "no PROFILE-END")
    if reason:
        tail = "\n  ".join(con.lines[-25:])
        raise RuntimeError(f"the profiled run failed: {reason}:\n  {tail}")
    return con.lines


def write_locks(path, lines, title, hz):
    locks = [LOCK_RE.match(l).groups() for l in lines if LOCK_RE.match(l)]
    rows = sorted(((c, *map(int, rest)) for c, *rest in locks), key=lambda r: -r[3])
    with open(path, "w") as f:
        f.write(f"# lock statistics, {title}\n")
        f.write(f"# times in timebase ticks ({hz} Hz: 1 tick = {1e9 / hz:.0f} ns), summed over harts;"
                " maxima over harts; sorted by total wait\n")
        f.write(f"{'class':18} {'acquired':>10} {'contended':>10} {'cont%':>6} {'wait_total':>11} "
                f"{'wait_avg':>9} {'wait_max':>9} {'hold_max':>9}\n")
        for c, acq, con, wt, wm, hm in rows:
            f.write(f"{c:18} {acq:10d} {con:10d} {100 * con / acq:6.1f} {wt:11d} "
                    f"{wt / acq:9.2f} {wm:9d} {hm:9d}\n")
        if not rows:
            f.write("(no lock was taken while profiling)\n")


def write_hotspots(path, lines, title, variant):
    kernel = guest.Symbols([REPO / "build" / variant / "migrant.elf"])
    programs = {}
    counts, kinds = collections.Counter(), collections.Counter()
    for l in lines:
        m = SAMPLE_RE.match(l)
        if not m:
            continue
        _, kind, prog, pc = m.groups()
        pc = int(pc, 16)
        if kind == "u":
            name = prog.rsplit("/", 1)[-1]
            if name not in programs:
                programs[name] = guest.Symbols([REPO / "build" / "user" / f"{name}.elf"])
            where = ("user", name, programs[name].lookup(pc))
        else:
            where = ("idle" if kind == "i" else "kernel", "migrant", kernel.lookup(pc))
        counts[where] += 1
        kinds[where[0]] += 1
    total = sum(counts.values())
    dropped = sum(int(DROP_RE.match(l).group(2)) for l in lines if DROP_RE.match(l))
    with open(path, "w") as f:
        f.write(f"# pc samples at the timer tick, every hart, {title}\n")
        f.write(f"# {total} samples" + (f" ({dropped} dropped: buffer full)" if dropped else "") + "; "
                + ", ".join(f"{k} {100 * kinds[k] / max(total, 1):.1f}%"
                            for k in ("kernel", "user", "idle")) + "\n")
        f.write("# The kernel runs with interrupts off, so a tick inside a kernel path is taken\n"
                "# at its exit and counted for the path's handler (the syscall's sys_* function,\n"
                "# ipc_entered for migrations, trap_handle for faults and interrupts); user samples\n"
                "# are exact pcs in the program the thread was running.\n")
        f.write(f"{'share':>7} {'samples':>8}  {'side':6} {'program':14} function\n")
        for (side, prog, fn), n in counts.most_common(TOP):
            f.write(f"{100 * n / total:6.1f}% {n:8d}  {side:6} {prog:14} {fn}\n")


def write_pmu(path, lines, title, tick_hz):
    per = collections.OrderedDict()
    unsupported = {}
    for l in lines:
        m = PMU_RE.match(l)
        if not m:
            continue
        hart, event, value, err = m.groups()
        if err is not None:
            unsupported[event] = err
        else:
            per.setdefault(event, {})[int(hart)] = int(value)
    with open(path, "w") as f:
        f.write(f"# SBI PMU counters over the measured windows, {title}\n")
        f.write(f"{'event':30} {'total':>16}  per hart\n")
        for event, harts in per.items():
            f.write(f"{event:30} {sum(harts.values()):16d}  "
                    + " ".join(str(harts[h]) for h in sorted(harts)) + "\n")
        if unsupported:
            f.write("\nNot supported here (the firmware could not map the event to a counter, "
                    "SBI error):\n")
            for event, err in unsupported.items():
                f.write(f"  {event} ({err})\n")
        f.write("\nNotes: 'fw:' events are counted by OpenSBI itself (IPIs and remote fences the\n"
                "kernel asked it for). Under QEMU without -icount, 'cycles' and 'instructions'\n"
                "both read the host's cycle counter, not guest instructions; QEMU accepts the\n"
                "TLB-miss events its virt board advertises and reports what it counted. On a\n"
                "board, every event the SoC's PMU maps is counted by the hardware.\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--harts", type=int, default=4)
    ap.add_argument("--locking", default="fine", choices=("fine", "bkl"))
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=str(REPO / "build" / "profile"))
    args = ap.parse_args()
    variant = f"{args.locking}-profile"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        lines = run(args, variant, out / "console.log")
    except RuntimeError as e:
        print(f"profile: FAIL: {e}")
        return 1
    begin = next(BEGIN_RE.match(l) for l in lines if BEGIN_RE.match(l))
    hz, tick_hz = int(begin.group(1)), int(begin.group(2))
    rates = [int(m.group(4)) * int(m.group(6)) / int(m.group(5))
             for m in (RUN_RE.match(l) for l in lines) if m]
    title = (f"{args.bench}, locking={args.locking}, harts={args.harts}, {len(rates)} windows of "
             f"{args.seconds} s" + (f", median {sorted(rates)[len(rates) // 2]:,.0f} ops/s" if rates else ""))
    write_locks(out / "locks.txt", lines, title, hz)
    write_hotspots(out / "hotspots.txt", lines, title, variant)
    write_pmu(out / "pmu.txt", lines, title, tick_hz)
    for name in ("locks.txt", "hotspots.txt", "pmu.txt"):
        print(f"== {out / name}")
        print((out / name).read_text(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())

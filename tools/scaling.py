#!/usr/bin/env python3
"""Throughput of a migration scenario at several hart counts, per lock build.

Boots bench/same_service.c (via the test initrd's /init) once per run, with
multi-threaded TCG, and reads its `BENCH ... calls_per_sec=N` line. Prints
one row per (build, harts): the median, min and max over the runs, and the
speedup of the median over the same build at the first hart count. Rates
are in calls per second of guest time (the timebase), which under MTTCG
runs with the host's clock, so the host's core count is printed with them:
harts beyond it share host cores and cannot scale.

Usage: scaling.py [--harts "1 2"] [--builds "fine bkl"] [--runs 3] [--ms 2000] [--distinct]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import qemu  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RATE_RE = re.compile(r"^BENCH (\S+) harts=(\d+) calls=(\d+) ms=(\d+) calls_per_sec=(\d+)", re.M)


def run_once(build, harts, ms, distinct, timeout):
    cmdline = f"test=same_service harts={harts} ms={ms} distinct={1 if distinct else 0}"
    cmd = qemu.build_command(str(REPO / "build" / build / "migrant.bin"),
                             str(REPO / "build" / "user" / "test.cpio"), cmdline, harts, "256M")
    out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=timeout).stdout.decode(errors="replace")
    m = RATE_RE.search(out)
    if not m:
        raise RuntimeError(f"{build} harts={harts}: no BENCH line\n{out[-2000:]}")
    return m.group(1), int(m.group(5))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harts", default="1 2")
    ap.add_argument("--builds", default="fine bkl")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ms", type=int, default=2000)
    ap.add_argument("--distinct", action="store_true")
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0))
    harts = [int(h) for h in args.harts.split()]
    print(f"scaling: host cores={cores}, runs={args.runs}, {args.ms} ms each")
    print(f"{'scenario':20} {'locking':8} {'harts':>5} {'median/s':>12} {'min/s':>12} {'max/s':>12} {'speedup':>8}")
    for build in args.builds.split():
        base = None
        for h in harts:
            rates, name = [], ""
            for _ in range(args.runs):
                name, rate = run_once(build, h, args.ms, args.distinct, 120 + args.ms / 1000)
                rates.append(rate)
            med = statistics.median(rates)
            base = base or med
            mark = "  (oversubscribed)" if h > cores else ""
            print(f"{name:20} {build:8} {h:5d} {med:12.0f} {min(rates):12.0f} {max(rates):12.0f} "
                  f"{med / base:8.2f}{mark}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

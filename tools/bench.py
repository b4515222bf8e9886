#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`make bench`: migrant's scaling and latency benchmarks, fine vs bkl.

Boots bench/bench.c (`test=bench` from the test initrd) once per lock
build and hart count with multi-threaded TCG for throughput, and once per
build at one hart under `-icount shift=0` for instruction counts. Prints
progress as BENCH lines arrive, then a table, and writes to --out:

  results.csv   scenario,locking,harts,host_cores,runs,ops_per_sec_median,
                ops_per_sec_min,ops_per_sec_max,speedup
  latency.csv   op,locking,instructions
  results.json  the same, plus git revision, QEMU version, host cores
  scaling.png   throughput against harts per scenario, fine vs bkl (gnuplot)

With --from-log it reads captured console logs instead (a board's serial
output, see docs/hardware.md) and writes the same files.

Usage: bench.py [--harts "1 2 4"] [--scenarios a,b@500] [--seconds S] [--runs R] [--rounds N]
                [--builds "fine bkl"] [--out DIR] [--from-log LOG ...] [--cores N]
"""
import argparse
import csv
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import guest  # noqa: E402
import qemu  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DELAYS = (500, 4000, 32000)
THROUGHPUT = ["same-service", "distinct-services", "service-work", "thread-churn",
              "shm-churn", "notify"] + [f"{s}@{d}" for s in ("same-service", "distinct-services")
                                        for d in DELAYS]
# Scenarios measured only for latency: one call's instructions, not a scaling curve.
LATENCY_ONLY = ["ipc-null", "ipc-depth2", "ipc-alt", "first-call", "ipc-chain"]
LATENCY = LATENCY_ONLY + ["notify", "thread-churn", "shm-churn"]
CMDLINE_MAX = 255  # include/migrant/syscall.h: CMDLINE_MAX, less its NUL

BANNER_RE = re.compile(r"migrant: booting .* locking=(\w+)")
CONFIG_RE = re.compile(r"^BENCH-CONFIG harts=(\d+) hz=(\d+) mode=(\w+)")
RUN_RE = re.compile(r"^BENCH (\S+) harts=(\d+) run=(\d+) ops=(\d+) ticks=(\d+) hz=(\d+)")
LAT_RE = re.compile(r"^BENCH (\S+) harts=1 instructions=([\d.]+)")
CSV_HEADER = ["scenario", "locking", "harts", "host_cores", "runs", "ops_per_sec_median",
              "ops_per_sec_min", "ops_per_sec_max", "speedup"]


class Results:
    """Rates per (scenario, locking, harts) and instructions per (op, locking)."""

    def __init__(self):
        self.rates = {}
        self.latency = {}

    def take(self, line, locking):
        """Records a BENCH line; returns what it was, for progress."""
        m = RUN_RE.match(line)
        if m:
            name, harts, run, ops, ticks, hz = m.groups()
            rate = int(ops) * int(hz) / int(ticks)
            self.rates.setdefault((name, locking, int(harts)), []).append(rate)
            return f"{name} run {run}: {rate:,.0f} ops/s"
        m = LAT_RE.match(line)
        if m:
            self.latency[(m.group(1), locking)] = float(m.group(2))
            return f"{m.group(1)}: {m.group(2)} instructions"
        return None


def chunks(names, prefix):
    """Scenario lists that keep each command line within the kernel's limit."""
    out, cur = [], []
    for n in names:
        if cur and len(prefix) + len(" scenarios=" + ",".join(cur + [n])) > CMDLINE_MAX:
            out.append(cur)
            cur = []
        cur.append(n)
    return out + [cur] if cur else out


def boot(build, harts, args_line, extra, timeout, on_line):
    """One QEMU boot of test=bench; on_line gets each console line."""
    con = guest.boot(str(REPO / "build" / build / "migrant.bin"),
                     str(REPO / "build" / "user" / "test.cpio"), args_line, harts,
                     extra=extra, timeout=timeout, on_line=on_line)
    reason = guest.judge(con.lines, con.exit, con.stopped, test="bench")
    if reason:
        raise RuntimeError(f"bench boot failed ({build}, harts={harts}): {reason}:\n  "
                           + "\n  ".join(con.lines[-30:]))


def measure(args, res):
    cores = len(os.sched_getaffinity(0))
    names = args.scenarios.split(",") if args.scenarios else THROUGHPUT
    lat_names = [n for n in LATENCY if not args.scenarios or n in names]
    tput_names = [n for n in names if n not in LATENCY_ONLY]
    per_boot_s = lambda n: n * (args.runs + 1) * (args.seconds + 0.05) + 60  # noqa: E731
    # Rounds repeat the whole plan, so slow spells of a shared host fall on every point alike.
    plan = [(b, h, c) for _ in range(args.rounds) for b in args.builds.split() for h in args.harts
            for c in chunks(tput_names, f"test=bench harts={h} runs={args.runs} ms=9999999")]
    total = sum(len(c) for _, _, c in plan) * args.runs + len(lat_names) * len(args.builds.split())
    done = [0]
    start = time.monotonic()

    def progress(build, harts):
        def on_line(line):
            what = res.take(line, build)
            if what:
                done[0] += 1
                print(f"bench: [{done[0]:3d}/{total}] {time.monotonic() - start:5.0f}s "
                      f"{build:4} harts={harts:<2} {what}", flush=True)
        return on_line

    print(f"bench: host cores={cores}; {len(tput_names)} throughput scenarios x harts "
          f"{' '.join(map(str, args.harts))} x {args.builds}, {args.rounds} round(s) of "
          f"{args.runs} runs of {args.seconds} s each after a warm-up; latency at 1 hart "
          "under -icount")
    for build in args.builds.split():
        if lat_names:
            boot(build, 1, f"test=bench harts=1 mode=latency scenarios={','.join(lat_names)}",
                 "-icount shift=0", 300, progress(build, 1))
            # A boot that passed but left an op out would otherwise just lack its row.
            missing = [n for n in lat_names if (n, build) not in res.latency]
            if missing:
                raise RuntimeError(f"latency boot ({build}) printed no instruction count for "
                                   + ", ".join(missing))
    for build, harts, names_ in plan:
        line = (f"test=bench harts={harts} runs={args.runs} ms={int(args.seconds * 1000)} "
                f"scenarios={','.join(names_)}")
        boot(build, harts, line, "", per_boot_s(len(names_)), progress(build, harts))
    return cores


def read_logs(paths, res):
    """A captured console log: the banner names the build, BENCH lines the rest."""
    harts_seen = [1]
    for p in paths:
        locking = "unknown"
        for line in Path(p).read_text(errors="replace").splitlines():
            line = line.strip("\r")
            m = BANNER_RE.search(line)
            if m:
                locking = m.group(1)
            m = CONFIG_RE.match(line)
            if m:
                harts_seen.append(int(m.group(1)))
            res.take(line, locking)
    return max(harts_seen)


def rows(res, cores):
    out = []
    for (name, locking, harts), rates in sorted(res.rates.items(),
                                                key=lambda kv: (order(kv[0][0]), build_order(kv[0][1]), kv[0][2])):
        base_h = min(h for (n, l, h) in res.rates if n == name and l == locking)
        base = statistics.median(res.rates[(name, locking, base_h)])
        med = statistics.median(rates)
        out.append({"scenario": name, "locking": locking, "harts": harts, "host_cores": cores,
                    "runs": len(rates), "ops_per_sec_median": round(med),
                    "ops_per_sec_min": round(min(rates)), "ops_per_sec_max": round(max(rates)),
                    "speedup": round(med / base, 3),
                    "oversubscribed": harts > cores})
    return out


def build_order(locking):
    return ("fine", "bkl").index(locking) if locking in ("fine", "bkl") else 2


def order(name):
    base = name.split("@")[0]
    keys = THROUGHPUT + LATENCY
    return (keys.index(base) if base in keys else len(keys), int(name.split("@")[1]) if "@" in name else 0)


def write_outputs(out, table, res, cores, args):
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        for r in table:
            w.writerow([r[k] for k in CSV_HEADER])
    with open(out / "latency.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["op", "locking", "instructions"])
        for (op, locking), n in sorted(res.latency.items(), key=lambda kv: (order(kv[0][0]), build_order(kv[0][1]))):
            w.writerow([op, locking, f"{n:.2f}"])
    meta = {
        "git_revision": git_revision(),
        "qemu_version": qemu_version() if not args.from_log else None,
        "source": "qemu" if not args.from_log else "console logs: " + " ".join(args.from_log),
        "host_cores": cores,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "runs": args.runs, "seconds_per_run": args.seconds,
        "results": table,
        "latency": [{"op": op, "locking": l, "instructions": n}
                    for (op, l), n in sorted(res.latency.items())],
    }
    (out / "results.json").write_text(json.dumps(meta, indent=2) + "\n")
    plot(out, table)


def git_revision():
    r = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                       capture_output=True, text=True)
    return r.stdout.strip() or None


def qemu_version():
    r = subprocess.run([qemu.qemu_binary(), "--version"], capture_output=True, text=True)
    return r.stdout.splitlines()[0] if r.stdout else None


def plot(out, table):
    """One panel per scenario: ops/s against harts, fine and bkl, and the ideal line."""
    if not table:
        # Latency only (SCENARIOS=ipc-null,...): no curve to draw, and none left from before.
        (out / "scaling.png").unlink(missing_ok=True)
        return
    if not shutil.which("gnuplot"):
        print("bench: gnuplot not found; no scaling.png (tools/deps.sh installs gnuplot-nox)")
        return
    scen = []
    for r in table:
        if r["scenario"] not in scen:
            scen.append(r["scenario"])
    data = out / "scaling.dat"
    blocks = []
    with open(data, "w") as f:
        # One gnuplot data block per (scenario, build): harts, median, min, max, oversubscribed.
        for s in scen:
            for locking in ("fine", "bkl"):
                pts = [r for r in table if r["scenario"] == s and r["locking"] == locking]
                f.write(f"# {s} {locking}\n")
                for r in pts or [{"harts": 0, "ops_per_sec_median": 0, "ops_per_sec_min": 0,
                                  "ops_per_sec_max": 0, "oversubscribed": False}]:
                    f.write(f"{r['harts']} {r['ops_per_sec_median']} {r['ops_per_sec_min']} "
                            f"{r['ops_per_sec_max']} {1 if r['oversubscribed'] else 0}\n")
                f.write("\n\n")
                blocks.append((s, locking, pts))
    cols = 4 if len(scen) > 6 else 3 if len(scen) > 2 else len(scen)
    nrows = (len(scen) + cols - 1) // cols
    lines = [f"set terminal pngcairo size {420 * cols},{320 * nrows} font ',9'",
             f"set output '{out / 'scaling.png'}'",
             f"set multiplot layout {nrows},{cols} title 'migrant throughput vs harts "
             "(open points: more harts than host cores)'",
             "set termoption noenhanced", "set key top left", "set xlabel 'harts'", "set ylabel 'ops/s'",
             "set yrange [0:*]", "set grid"]
    idx = 0
    for s in scen:
        fine_base = [r for r in table if r["scenario"] == s and r["locking"] == "fine"
                     and r["harts"] == min([x["harts"] for x in table if x["scenario"] == s] or [1])]
        ideal = fine_base[0]["ops_per_sec_median"] / fine_base[0]["harts"] if fine_base else 0
        maxh = max(r["harts"] for r in table if r["scenario"] == s)
        lines.append(f"set title '{s}'")
        lines.append(f"set xrange [0.5:{maxh + 0.5}]")
        lines.append(f"set xtics {max(1, maxh // 8)}")
        plots = [f"(x >= 1 && x <= {maxh} ? {ideal} * x : NaN) title 'ideal (fine)' "
                 "with lines dt 2 lc rgb 'gray'"]
        for locking, color in (("fine", "#1f77b4"), ("bkl", "#d62728")):
            i = idx + (0 if locking == "fine" else 1)
            plots.append(f"'{data}' index {i} using 1:2:3:4 with yerrorlines lc rgb '{color}' "
                         f"pt 7 title '{locking}'")
            plots.append(f"'{data}' index {i} using ($5 > 0 ? $1 : NaN):2 with points lc rgb '{color}' "
                         "pt 6 ps 2.2 notitle")
        idx += 2
        lines.append("plot " + ", ".join(plots))
    lines.append("unset multiplot")
    script = out / "scaling.gp"
    script.write_text("\n".join(lines) + "\n")
    subprocess.run(["gnuplot", str(script)], check=True)


def print_table(table, res, cores):
    if table:
        print()
        print(f"{'scenario':24} {'locking':7} {'harts':>5} {'median ops/s':>13} {'min':>11} "
              f"{'max':>11} {'speedup':>7}")
        for r in table:
            mark = "  oversubscribed" if r["oversubscribed"] else ""
            print(f"{r['scenario']:24} {r['locking']:7} {r['harts']:5d} {r['ops_per_sec_median']:13,d} "
                  f"{r['ops_per_sec_min']:11,d} {r['ops_per_sec_max']:11,d} {r['speedup']:7.2f}{mark}")
        print(f"(host cores: {cores}; speedup is against the same scenario and build at 1 hart)")
    if res.latency:
        print()
        print(f"{'op (1 hart)':24} {'locking':7} {'instructions':>13}")
        for (op, locking), n in sorted(res.latency.items(), key=lambda kv: (order(kv[0][0]), build_order(kv[0][1]))):
            print(f"{op:24} {locking:7} {n:13.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harts", default="1 2 4", type=lambda s: [int(h) for h in s.split()])
    ap.add_argument("--scenarios", default="", help="comma-separated; default: all")
    ap.add_argument("--seconds", type=float, default=0.5, help="guest seconds per measured run")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=1, help="boots per point, interleaved")
    ap.add_argument("--builds", default="fine bkl")
    ap.add_argument("--out", default=str(REPO / "build" / "bench"))
    ap.add_argument("--from-log", nargs="+", default=None, help="captured console logs")
    ap.add_argument("--cores", type=int, default=0, help="with --from-log: the board's cores")
    args = ap.parse_args()
    res = Results()
    try:
        if args.from_log:
            cores = args.cores or read_logs(args.from_log, res)
            if args.cores:
                read_logs(args.from_log, res)
        else:
            cores = measure(args, res)
    except RuntimeError as e:
        print(f"bench: FAIL: {e}")
        return 1
    if not res.rates and not res.latency:
        print("bench: no BENCH lines found")
        return 1
    table = rows(res, cores)
    write_outputs(Path(args.out), table, res, cores, args)
    print_table(table, res, cores)
    print(f"\nbench: wrote {args.out}/results.csv, latency.csv, results.json"
          + (", scaling.png" if table else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

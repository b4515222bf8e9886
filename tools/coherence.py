#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`make coherence`: coherence transfers per operation, fine vs bkl, at any hart count.

Boots bench/bench.c in op-count mode (`test=bench mode=ops`) once per
scenario, lock build and hart count, with the coherence plugin
(tools/coherence/, docs/coherence.md) loaded into QEMU. Every hart does the
same number of operations between the driver's markers, so the bound,
which comes from each hart's own accesses, does not depend on how the host
schedules the harts. Prints progress as it goes, then a table, and writes
to --out:

  results.csv   scenario,locking,harts,ops,accesses_per_op,transfers_per_op_bound,
                transfers_per_op_observed,hottest_line,hottest_share,op_bound_per_op,
                tick_bound_per_op,hottest_symbol,ceiling_model_ops_per_s
  results.json  the same, plus git revision, QEMU version, host cores
  lines-<scenario>-<locking>-<harts>.txt  the plugin's report: per hart, the op-path and
                tick-driven split, then per line with the code sites that moved it,
                each line and site symbolized here (attribute)
  coherence.png transfers per op (bound) against harts, one panel per scenario (gnuplot)

With --check it is `make check`'s regression check instead: same-service
at 2 and 4 harts in both builds, one PASS or FAIL line each and a closing
"P passed, F failed". The fine build's bound must stay at or under
FINE_MAX transfers per round trip (the whole bound, tick-driven lines
included, so its op path is under it too); the bkl build's big lock line
must carry at least BKL_MIN, which shows the tool sees contention.

A model, not a measurement: one cache line moves between cores at most once
per --c2c-ns nanoseconds (a cache-to-cache transfer; 100 by default), so a
hottest line that moves T times per op caps the whole machine at
1e9 / (T * c2c_ns) ops/s whatever the hart count. That is printed and
written as "ceiling (model)" (ceiling_model_ops_per_s; empty when the
hottest line never moves), so nobody takes it for throughput.

Usage: coherence.py --plugin SO [--harts "1 2 4 8"] [--scenarios a,b] [--builds "fine bkl"]
                    [--ops N] [--warmup W] [--c2c-ns NS] [--out DIR] [--check]
"""
import argparse
import bisect
import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
import guest  # noqa: E402
import qemu  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CSV_HEADER = ["scenario", "locking", "harts", "ops", "accesses_per_op", "transfers_per_op_bound",
              "transfers_per_op_observed", "hottest_line", "hottest_share", "op_bound_per_op",
              "tick_bound_per_op", "hottest_symbol", "ceiling_model_ops_per_s"]
TOTAL_RE = re.compile(r"^total ops=(\d+) accesses=(\d+) .* bound_per_op=([\d.]+) "
                      r"observed_per_op=([\d.]+)")
LINE_RE = re.compile(r"^line (0x[0-9a-f]+) ([\d.]+) ([\d.]+) ")
SPLIT_RE = re.compile(r"^split op_bound_per_op=([\d.]+) tick_bound_per_op=([\d.]+)")
# A line row's fixed columns (the plugin's), and a site row's; attribute appends a symbol.
LINE_COLUMNS = 14
SITE_RE = re.compile(r"^site (0x[0-9a-f]+) (\d+) (\d+) (\d+) (\d+)$")
# The code that puts a hart in tick context (docs/coherence.md, "Attribution"): the interrupt
# entry, whose timer tick polls epochs, TLBs and pages and may reschedule,
# and the idle loop, which polls the same; tick context lasts to the hart's next sret.
TICK_ENTRIES = ("entry_interrupt", "sched_idle")
# The slab allocator's code that stores a new slab's header (src/mm/slab.c).
SLAB_CODE = ("slab_alloc", "new_slab")
# Where OpenSBI's fw_dynamic on QEMU virt loads the kernel (docs/hardware.md).
KERNEL_PHYS = 0x80200000
# Below it, from the start of RAM, OpenSBI: its code runs at physical pcs.
FIRMWARE_PHYS = 0x80000000
FINE_MAX = 0.05
# A bkl round trip enters the kernel twice and each entry must take the big
# lock's line from the hart that dropped it last: 2 per round trip on the
# asm fast path (one amoswap each way), 4 on the C path (ck's CAS loop).
BKL_MIN = 1.8
# The kernel's hart limit (the issue "Cross-hart work that never waits" lifts it).
MAX_HARTS = 128


def parse_report(text):
    """The plugin's report: totals and the hottest line (the first, by bound)."""
    total = next((m for m in map(TOTAL_RE.match, text.splitlines()) if m), None)
    if not total:
        raise RuntimeError("the plugin's report has no total line")
    ops, accesses, bound, observed = total.groups()
    hottest = next((m for m in map(LINE_RE.match, text.splitlines()) if m), None)
    split = next((m for m in map(SPLIT_RE.match, text.splitlines()) if m), None)
    row = next((r for r in text.splitlines() if r.startswith("line ")), "").split(None, LINE_COLUMNS)
    return {"op_bound_per_op": float(split.group(1)) if split else 0.0,
            "tick_bound_per_op": float(split.group(2)) if split else 0.0,
            "hottest_symbol": row[LINE_COLUMNS] if len(row) > LINE_COLUMNS else "",
            "ops": int(ops), "accesses_per_op": round(int(accesses) / max(int(ops), 1), 1),
            "transfers_per_op_bound": float(bound), "transfers_per_op_observed": float(observed),
            "hottest_line": hottest.group(1) if hottest else "",
            "hottest_bound_per_op": float(hottest.group(2)) if hottest else 0.0,
            "hottest_share": float(hottest.group(3)) if hottest else 0.0}


class Layout:
    """The kernel's symbols and where its image lies, to name guest addresses.

    data and text are (virtual address, size, name) lists; base is the
    image's link address, phys where it is loaded, end its virtual end.
    """

    def __init__(self, data, text, base, end, phys=KERNEL_PHYS):
        self.data, self.text = sorted(data), sorted(text)
        self.data_addrs = [a for a, _, _ in self.data]
        self.text_addrs = [a for a, _, _ in self.text]
        self.base, self.end, self.phys = base, end, phys

    @classmethod
    def from_elf(cls, elf):
        out = subprocess.run([qemu.cross_tool("nm"), "-n", "-S", str(elf)], capture_output=True,
                             text=True, check=True).stdout
        data, text, end = [], [], None
        for p in map(str.split, out.splitlines()):
            if len(p) == 3 and p[2] == "__image_end":
                end = int(p[0], 16)
            # trap.S's functions have no size.
            if len(p) == 3:
                p = [p[0], "0"] + p[1:]
            if len(p) != 4:
                continue
            entry = (int(p[0], 16), int(p[1], 16), p[3])
            if p[2] in "tTwW":
                text.append(entry)
            elif p[2] in "bBdDrRgGsS":
                data.append(entry)
        base = guest.kernel_base(elf)
        return cls(data, text, base, end or max(a + n for a, n, _ in data), KERNEL_PHYS)

    def virt(self, pa):
        """The kernel virtual address of physical pa, or None outside the image."""
        va = pa - self.phys + self.base
        return va if self.base <= va < self.end else None

    def data_at(self, va):
        """`name+0xoff` of the data symbol at or below va, or None."""
        i = bisect.bisect_right(self.data_addrs, va) - 1
        if i < 0:
            return None
        addr, _, name = self.data[i]
        return f"{name}+0x{va - addr:x}"

    def line_symbol(self, pa, slab_tag, user, offset=0):
        """What the 64-byte line at pa holds: kernel data, a slab cache's page, user, heap.

        offset: where in the line its hottest site accesses, which names it.
        """
        if FIRMWARE_PHYS <= pa < self.phys:
            return "firmware"
        va = self.virt(pa)
        if va is not None:
            name = self.data_at(va + offset) or f"image+0x{va + offset - self.base:x}"
            # The other objects that share the line: the false sharing perf c2c shows.
            lo = bisect.bisect_right(self.data_addrs, va) - 1
            hi = bisect.bisect_left(self.data_addrs, va + 64)
            more = [n for _, _, n in self.data[max(lo, 0):hi] if n != name.split("+")[0]]
            return name + (f" (line also {', '.join(more)})" if more else "")
        if user:
            return "user"
        cache = self.virt(slab_tag) if slab_tag else None
        if cache is not None:
            i = bisect.bisect_right(self.data_addrs, cache) - 1
            if i >= 0:
                return f"heap: {self.data[i][2]} page+0x{pa & 0xfff:x}"
        return f"heap page+0x{pa & 0xfff:x}"

    def site(self, pc):
        """A code site: `function+0xoff` in the kernel, firmware, or user."""
        if FIRMWARE_PHYS <= pc < self.phys:
            return "firmware"
        if pc < self.base:
            return "user"
        i = bisect.bisect_right(self.text_addrs, pc) - 1
        if i < 0:
            return f"0x{pc:x}"
        addr, _, name = self.text[i]
        return f"{name}+0x{pc - addr:x}"

    def text_symbol(self, name):
        """(address, size) of function `name`, or None."""
        return next(((a, n) for a, n, s in self.text if s == name), None)

    def plugin_args(self):
        """The plugin's tick= and slab= arguments for this kernel."""
        return [f"{arg}=0x{f[0]:x}-0x{f[0] + f[1]:x}"
                for arg, names in (("tick", TICK_ENTRIES), ("slab", SLAB_CODE))
                for f in map(self.text_symbol, names) if f]


def attribute(text, layout):
    """The report with each line row and site row given its symbol at the end."""
    rows = text.splitlines()
    out = []
    for i, row in enumerate(rows):
        p = row.split()
        if row.startswith("line ") and len(p) == LINE_COLUMNS:
            sites = []
            for nxt in rows[i + 1:]:
                m = SITE_RE.match(nxt)
                if not m:
                    break
                sites.append((int(m.group(1), 16), int(m.group(5))))
            user = any(layout.site(pc) == "user" for pc, _ in sites)
            offset = sites[0][1] if sites else 0
            row += " " + layout.line_symbol(int(p[1], 16), int(p[13], 16), user, offset)
        elif SITE_RE.match(row):
            row += " " + layout.site(int(p[1], 16))
        out.append(row)
    return "\n".join(out) + "\n"


def line_bounds(text):
    """Each reported line's bound per op, by its physical address."""
    return {int(m.group(1), 16): float(m.group(2)) for m in map(LINE_RE.match, text.splitlines())
            if m}


def symbol_line(elf, name):
    """The physical address of the 64-byte line that holds kernel data symbol `name`."""
    out = subprocess.run([qemu.cross_tool("nm"), str(elf)], capture_output=True, text=True).stdout
    addr = next(int(p[0], 16) for p in map(str.split, out.splitlines())
                if len(p) == 3 and p[2] == name)
    return (addr - guest.kernel_base(elf) + KERNEL_PHYS) & ~63


def hottest(row):
    """The hottest line, with its symbol."""
    if not row["hottest_line"]:
        return "-"
    return f"{row['hottest_line']} {row['hottest_symbol']}".rstrip()


def split_summary(row):
    """A run's bound split into its op path and its tick-driven lines."""
    return f"op path {row['op_bound_per_op']:.4f}, tick-driven {row['tick_bound_per_op']:.4f}"


def check(args, out):
    """make check's stage: one verdict per build and hart count, then the count."""
    passed = failed = 0
    lock_line = symbol_line(REPO / "build" / "bkl" / "migrant.elf", "bkl_line")
    for build in ("fine", "bkl"):
        for harts in (2, 4):
            report = out / f"lines-same-service-{build}-{harts}.txt"
            try:
                row = measure_one(args, "same-service", build, harts, report)
            except RuntimeError as e:
                print(f"FAIL coherence/same-service {build} harts={harts}: {e}")
                failed += 1
                continue
            if build == "fine":
                v = row["transfers_per_op_bound"]
                ok, rule, what = v <= FINE_MAX, f"<= {FINE_MAX}", "bound"
            else:
                v = line_bounds(report.read_text()).get(lock_line, 0.0)
                ok, rule, what = v >= BKL_MIN, f">= {BKL_MIN}", f"big lock line 0x{lock_line:x}"
            print(f"{'PASS' if ok else 'FAIL'} coherence/same-service {build} harts={harts}: "
                  f"{what} {v:.4f} transfers per round trip, want {rule} "
                  f"(hottest {hottest(row)}; {split_summary(row)})", flush=True)
            passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def measure_one(args, scenario, build, harts, report):
    """One boot with the plugin; the row for results.csv."""
    cmdline = (f"test=bench harts={harts} mode=ops ops={args.ops} warmup={args.warmup} "
               f"scenarios={scenario}")
    report.unlink(missing_ok=True)
    layout = Layout.from_elf(REPO / "build" / build / "migrant.elf")
    plugin = ",".join([str(Path(args.plugin).resolve()), f"out={report}"] + layout.plugin_args())
    con = guest.boot(str(REPO / "build" / build / "migrant.bin"),
                     str(REPO / "build" / "user" / "test.cpio"), cmdline, harts,
                     extra=["-plugin", plugin],
                     timeout=args.timeout + args.timeout_per_hart * harts)
    reason = guest.judge(con.lines, con.exit, con.stopped, test="bench")
    if reason:
        raise RuntimeError(f"boot failed ({scenario}, {build}, harts={harts}): {reason}:\n  "
                           + "\n  ".join(con.lines[-20:]))
    if not report.exists():
        raise RuntimeError(f"the plugin wrote no report ({scenario}, {build}, harts={harts})")
    report.write_text(attribute(report.read_text(), layout))
    row = {"scenario": scenario, "locking": build, "harts": harts}
    row.update(parse_report(report.read_text()))
    if row["ops"] != args.ops * harts:
        raise RuntimeError(f"the plugin counted {row['ops']} ops, not {args.ops} x {harts}")
    row["ceiling_model_ops_per_s"] = ceiling(row, args.c2c_ns)
    return row


def plot(out, table):
    """One panel per scenario: the bound against harts, fine and bkl, log y."""
    if not shutil.which("gnuplot"):
        print("coherence: gnuplot not found; no coherence.png (tools/deps.sh installs gnuplot-nox)")
        return
    scen = list(dict.fromkeys(r["scenario"] for r in table))
    data = out / "coherence.dat"
    floor = 1e-4
    with open(data, "w") as f:
        # One block per (scenario, build): harts, bound, observed; a log axis cannot show 0.
        for s in scen:
            for locking in ("fine", "bkl"):
                f.write(f"# {s} {locking}\n")
                pts = [r for r in table if r["scenario"] == s and r["locking"] == locking]
                for r in pts or [{"harts": 0, "transfers_per_op_bound": 0,
                                  "transfers_per_op_observed": 0}]:
                    f.write(f"{r['harts']} {max(r['transfers_per_op_bound'], floor)} "
                            f"{max(r['transfers_per_op_observed'], floor)}\n")
                f.write("\n\n")
    maxh = max(r["harts"] for r in table)
    lines = [f"set terminal pngcairo size {460 * len(scen)},360 font ',9'",
             f"set output '{out / 'coherence.png'}'",
             f"set multiplot layout 1,{len(scen)} title 'coherence transfers per op (bound; "
             f"floored at {floor}; dashed: observed, host-dependent)'",
             "set termoption noenhanced", "set key bottom right", "set xlabel 'harts'",
             "set ylabel 'transfers per op'", "set logscale x 2", "set logscale y 10",
             "set format y '%g'",
             f"set xrange [0.8:{maxh * 1.25}]", f"set yrange [{floor / 2}:*]", "set grid"]
    for i, s in enumerate(scen):
        lines.append(f"set title '{s}'")
        plots = []
        for j, (locking, color) in enumerate((("fine", "#1f77b4"), ("bkl", "#d62728"))):
            plots.append(f"'{data}' index {2 * i + j} using 1:2 with linespoints lc rgb '{color}' "
                         f"pt 7 title '{locking}'")
            plots.append(f"'{data}' index {2 * i + j} using 1:3 with lines dt 2 lc rgb '{color}' "
                         "notitle")
        lines.append("plot " + ", ".join(plots))
    lines.append("unset multiplot")
    script = out / "coherence.gp"
    script.write_text("\n".join(lines) + "\n")
    subprocess.run(["gnuplot", str(script)], check=True)


def write_outputs(out, table, cores, args):
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        for r in table:
            w.writerow([r[k] for k in CSV_HEADER])
    meta = {
        "git_revision": bench.git_revision(),
        "qemu_version": bench.qemu_version(),
        "host_cores": cores,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "ops_per_hart": args.ops, "warmup_per_hart": args.warmup, "c2c_ns": args.c2c_ns,
        "note": "transfers_per_op_observed depends on how the host interleaves vCPUs; "
                "the bound does not; ceiling_model_ops_per_s is a model, one move of the "
                "hottest line per c2c_ns, not a measurement (docs/coherence.md)",
        "results": table,
    }
    (out / "results.json").write_text(json.dumps(meta, indent=2) + "\n")
    plot(out, table)


def ceiling(row, c2c_ns):
    """Ops/s the hottest line allows if it moves once per c2c_ns (a model), or None."""
    moves = row["hottest_bound_per_op"]
    return round(1e9 / (moves * c2c_ns)) if moves > 0 else None


def print_table(table, cores, c2c_ns):
    print()
    print(f"{'scenario':20} {'locking':7} {'harts':>5} {'ops':>7} {'acc/op':>8} {'bound/op':>9} "
          f"{'observed':>9} {'hottest line':>12} {'share':>6} {'ceiling (model)':>16}")
    for r in table:
        cap = r["ceiling_model_ops_per_s"]
        print(f"{r['scenario']:20} {r['locking']:7} {r['harts']:5d} {r['ops']:7d} "
              f"{r['accesses_per_op']:8.1f} {r['transfers_per_op_bound']:9.4f} "
              f"{r['transfers_per_op_observed']:9.4f} {r['hottest_line']:>12} "
              f"{r['hottest_share']:6.3f} {f'{cap:,} ops/s' if cap else 'none':>16}")
    print(f"(host cores: {cores}; bound/op is the headline, observed depends on the host's "
          f"interleaving; ceiling (model) assumes one move of the hottest line per {c2c_ns} ns, "
          "it is not a measurement: docs/coherence.md)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True, help="libcoherence.so")
    ap.add_argument("--harts", default="1 2 4 8", type=lambda s: [int(h) for h in s.split()])
    ap.add_argument("--scenarios", default="same-service,distinct-services")
    ap.add_argument("--builds", default="fine bkl")
    ap.add_argument("--ops", type=int, default=1000, help="operations per hart in the window")
    ap.add_argument("--warmup", type=int, default=100, help="operations per hart before it")
    # The bkl build at 32 harts on 2 host cores: every hart spins on one lock.
    ap.add_argument("--timeout", type=int, default=120, help="seconds per boot, plus...")
    ap.add_argument("--timeout-per-hart", type=int, default=30, help="...this many per hart")
    ap.add_argument("--c2c-ns", type=float, default=100.0,
                    help="nanoseconds per move of one line, for the ceiling (model)")
    ap.add_argument("--out", default=str(REPO / "build" / "coherence"))
    ap.add_argument("--check", action="store_true", help="make check's regression check")
    args = ap.parse_args()
    if max(args.harts) > MAX_HARTS:
        print(f"coherence: the kernel boots at most {MAX_HARTS} harts")
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.check:
        return check(args, out)
    cores = len(os.sched_getaffinity(0))
    plan = [(s, b, h) for s in args.scenarios.split(",") for b in args.builds.split()
            for h in args.harts]
    print(f"coherence: host cores={cores}; {len(plan)} boots, {args.ops} ops per hart after "
          f"{args.warmup} of warm-up", flush=True)
    start = time.monotonic()
    table, failed = [], []
    for i, (scenario, build, harts) in enumerate(plan, 1):
        report = out / f"lines-{scenario}-{build}-{harts}.txt"
        try:
            row = measure_one(args, scenario, build, harts, report)
        except RuntimeError as e:
            # The other points are still worth having; the exit status says one failed.
            print(f"coherence: FAIL: {e}", flush=True)
            failed.append(f"{scenario} {build} harts={harts}")
            continue
        table.append(row)
        # After every point, so a run cut short still leaves what it measured.
        write_outputs(out, table, cores, args)
        print(f"coherence: [{i:3d}/{len(plan)}] {time.monotonic() - start:5.0f}s {build:4} "
              f"harts={harts:<2} {scenario}: {row['transfers_per_op_bound']:.4f} transfers/op "
              f"(bound), {row['transfers_per_op_observed']:.4f} observed, hottest "
              f"{hottest(row)}; {split_summary(row)}", flush=True)
    if not table:
        return 1
    print_table(table, cores, args.c2c_ns)
    print(f"\ncoherence: wrote {out}/results.csv, results.json, lines-*.txt, coherence.png")
    if failed:
        print(f"coherence: {len(failed)} boot(s) failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

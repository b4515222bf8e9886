#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`make trace`: one benchmark scenario (or test program) under a TRACE=1 kernel.

Boots build/<locking>-trace/ with `test=bench mode=ops scenarios=<BENCH>
trace=1` (or `test=<PROG> trace-prog=1`). Each hart records its events in
a buffer of its own (src/debug/trace.c); when the scenario ends the kernel
prints them between TRACE-BEGIN and TRACE-END, and this writes, in --out
(build/trace/):

  trace.json    Chrome trace-event JSON, for ui.perfetto.dev (Open trace
                file) or chrome://tracing: one track per hart (pid 1, tid =
                hart), each running thread a slice named by its process,
                migrations nested in it as slices named by the callee
                (args: caller, callee, depth, tid), syscalls and interrupts
                as instants, contended lock waits as slices, and each
                thread's pieces joined by a flow with the thread's id
  timeline.png  the first --ms milliseconds as a per-hart Gantt chart,
                coloured by the process each hart runs in (gnuplot)
  console.log   the whole console

A slice cut by a context switch ends there and resumes (args.resumed)
when its thread runs again, so every track nests. Dropped events (a full
buffer) are counted per hart and reported.

--check reads trace.json back and checks it against the run: it parses,
every B has its E on the same track, each migration slice's nesting level
is the depth the kernel recorded, and the migration slices that are not
resumptions are as many as the calls the scenario says it made
(BENCH-CALLS). Prints one line per check and "<P> passed, <F> failed".

Usage: trace.py (--bench SCENARIO | --prog TEST) [--harts N] [--locking fine|bkl]
                [--ops N] [--warmup W] [--ms MS] [--out DIR] [--check] [--from-log LOG]
"""
import argparse
import bisect
import collections
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import guest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
HART_PID = 1                     # every hart's track is a thread of this one "process"

BEGIN_RE = re.compile(r"^TRACE-BEGIN timebase=(\d+) harts=(\d+)")
NAME_RE = re.compile(r"^TRACE-(PROC|IRQKIND|LOCK|TSTATE) (\d+) (.+)$")
EVENT_RE = re.compile(r"^T(\d+) (\S) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) (\d+) (\d+)$")
HART_RE = re.compile(r"^TRACE-HART (\d+) events=(\d+) dropped=(\d+)")
CALLS_RE = re.compile(r"^BENCH-CALLS (\S+) harts=(\d+) calls=(\d+)")
SYS_RE = re.compile(r"^#define SYS_(\w+)\s+(\d+)", re.M)
HOW = {0: "call", 1: "tail", 2: "notify"}       # enum trace_how, src/debug/trace.h
WAIT = "waiting for a lock"                       # timeline.png's layer for lock waits, drawn last
RED = "rgb 'red'"
BIN_US = 50                                       # summarize's stretches of time


class Dump:
    """What the kernel printed between TRACE-BEGIN and TRACE-END."""

    def __init__(self, lines):
        self.hz = self.harts = None
        self.names = collections.defaultdict(dict)
        self.events = collections.defaultdict(list)
        self.counts, self.dropped = {}, {}
        self.calls = None
        inside = False
        for line in lines:
            m = BEGIN_RE.match(line)
            if m:
                self.hz, self.harts, inside = int(m.group(1)), int(m.group(2)), True
                continue
            if line.startswith("TRACE-END"):
                inside = False
            m = CALLS_RE.match(line)
            if m:
                self.calls = int(m.group(3))
            if not inside:
                continue
            m = EVENT_RE.match(line)
            if m:
                h, kind, t, a, b, c, depth, flag = m.groups()
                self.events[int(h)].append((int(t, 16), kind, int(a, 16), int(b, 16), int(c, 16),
                                            int(depth), int(flag)))
                continue
            m = NAME_RE.match(line)
            if m:
                self.names[m.group(1)][int(m.group(2))] = m.group(3)
                continue
            m = HART_RE.match(line)
            if m:
                self.counts[int(m.group(1))] = int(m.group(2))
                self.dropped[int(m.group(1))] = int(m.group(3))
        if self.hz is None:
            raise ValueError("no TRACE-BEGIN in the console")
        header = (REPO / "include" / "migrant" / "syscall.h").read_text()
        self.syscalls = {int(n): name.lower() for name, n in SYS_RE.findall(header) if name != "COUNT"}

    def proc(self, pid):
        return self.names["PROC"].get(pid, f"pid {pid}") if pid else "idle"


class Converter:
    """Turns each hart's events into trace-event JSON and Gantt intervals."""

    def __init__(self, dump):
        self.d = dump
        self.out = []
        self.errors = []
        self.stacks = {}            # tid -> [root pid, pid at depth 1, ...]
        self.pieces = collections.defaultdict(list)   # tid -> [(us, hart)] where it ran
        self.intervals = collections.defaultdict(list)  # hart -> [(start us, end us, process)]
        firsts = [ev[0][0] for ev in dump.events.values() if ev]
        self.t0 = min(firsts) if firsts else 0

    def us(self, t):
        return (t - self.t0) * 1e6 / self.d.hz

    def emit(self, ph, hart, t, **kw):
        self.out.append({"ph": ph, "pid": HART_PID, "tid": hart, "ts": round(self.us(t), 3), **kw})

    def begin(self, hart, t, name, cat, args):
        self.emit("B", hart, t, name=name, cat=cat, args=args)

    def end(self, hart, t):
        self.emit("E", hart, t)

    def frame_args(self, tid, depth, resumed):
        st = self.stacks[tid]
        args = {"caller": st[depth - 1], "callee": st[depth], "depth": depth, "tid": tid}
        if resumed:
            args["resumed"] = True
        return args

    def switch_in(self, hart, t, tid, root, top, depth):
        """tid runs on hart from t: its thread slice, then its open frames again."""
        if tid == 0:
            return
        if tid not in self.stacks:
            # Seen first here: frames below its top were entered before the trace.
            self.stacks[tid] = [root] + [0] * max(depth - 1, 0) + ([top] if depth else [])
        st = self.stacks[tid]
        if len(st) - 1 != depth or st[-1] != top:
            self.errors.append(f"hart {hart}: thread {tid:#x} switched in at depth {depth} in pid "
                               f"{top}, its trace says depth {len(st) - 1} in pid {st[-1]}")
        self.begin(hart, t, self.d.proc(root), "thread", {"tid": tid, "pid": root})
        self.pieces[tid].append((self.us(t), hart))
        for k in range(1, len(st)):
            self.begin(hart, t, self.d.proc(st[k]), "migrate", self.frame_args(tid, k, True))

    def switch_out(self, hart, t, tid, dead):
        if tid == 0:
            return
        for _ in range(len(self.stacks[tid])):
            self.end(hart, t)
        if dead:
            if len(self.stacks[tid]) > 1:
                self.errors.append(f"hart {hart}: thread {tid:#x} died at depth {len(self.stacks[tid]) - 1}")
            del self.stacks[tid]

    def migrate(self, hart, t, kind, tid, b, c, depth, flag, cur):
        if tid != cur:
            self.errors.append(f"hart {hart}: migration of thread {tid:#x} while {cur:#x} runs")
            return
        st = self.stacks[tid]
        if kind == "i":
            tail = HOW.get(flag) == "tail"
            want = len(st) - 1 if tail else len(st)
            if depth != want:
                self.errors.append(f"hart {hart}: {HOW.get(flag)} into depth {depth}, expected {want}")
                return
            if tail:
                self.end(hart, t)
                st.pop()
            st.append(c)
            args = self.frame_args(tid, depth, False)
            args["caller"], args["how"] = b, HOW.get(flag, flag)
            self.begin(hart, t, self.d.proc(c), "migrate", args)
        else:
            if depth != len(st) - 1 or depth == 0 or st[-1] not in (b, 0):
                self.errors.append(f"hart {hart}: return from depth {depth} in pid {b}, "
                                   f"expected depth {len(st) - 1} in pid {st[-1]}")
                return
            st.pop()
            self.end(hart, t)

    def hart(self, h, events):
        cur, since, last = 0, None, None

        def mark(t):
            nonlocal since
            if since is not None and cur:
                self.intervals[h].append((self.us(since), self.us(t), self.d.proc(self.stacks[cur][-1])))
            since = t

        for t, kind, a, b, c, depth, flag in events:
            last = t
            if kind == "S":
                cur = a
                self.switch_in(h, t, a, b, c, depth)
                since = t
            elif kind == "x":
                mark(t)
                self.switch_out(h, t, cur, self.d.names["TSTATE"].get(flag) == "dead")
                cur = a
                self.switch_in(h, t, a, b, c, depth)
            elif kind in "io":
                mark(t)
                self.migrate(h, t, kind, a, b, c, depth, flag, cur)
            elif kind == "s":
                self.emit("i", h, t, s="t", name=self.d.syscalls.get(b, f"syscall {b}"), cat="syscall",
                          args={"tid": a})
            elif kind == "q":
                name = self.d.names["IRQKIND"].get(b, f"irq {b}")
                self.emit("i", h, t, s="t", name=name, cat="irq", args={"tid": a, "from_user": bool(flag)})
            elif kind == "w":
                self.intervals[h].append((self.us(t), self.us(t + c), WAIT))
                self.emit("X", h, t, dur=round(c * 1e6 / self.d.hz, 3), cat="lock",
                          name=f"wait {self.d.names['LOCK'].get(b, b)}", args={"tid": a})
            elif kind == "P":
                break
        if last is not None:
            mark(last)
            if cur in self.stacks:
                # A full buffer cuts the trace anywhere, a call included.
                if len(self.stacks[cur]) > 1 and not self.d.dropped.get(h):
                    self.errors.append(f"hart {h}: trace stopped with thread {cur:#x} at depth "
                                       f"{len(self.stacks[cur]) - 1}")
                self.switch_out(h, last, cur, False)

    def flows(self):
        """One flow per thread with pieces on more than one stretch: where it ran next."""
        for tid, pieces in self.pieces.items():
            if len(pieces) < 2:
                continue
            for i, (ts, h) in enumerate(pieces):
                ph = "s" if i == 0 else "f" if i == len(pieces) - 1 else "t"
                self.out.append({"ph": ph, "id": tid, "name": f"thread {tid:#x}", "cat": "thread",
                                 "pid": HART_PID, "tid": h, "ts": round(ts, 3), "bp": "e"})

    def run(self):
        self.out.append({"ph": "M", "name": "process_name", "pid": HART_PID, "args": {"name": "migrant"}})
        for h in range(self.d.harts):
            self.out.append({"ph": "M", "name": "thread_name", "pid": HART_PID, "tid": h,
                             "args": {"name": f"hart {h}"}})
            self.out.append({"ph": "M", "name": "thread_sort_index", "pid": HART_PID, "tid": h,
                             "args": {"sort_index": h}})
        for h in sorted(self.d.events):
            self.hart(h, self.d.events[h])
        self.flows()
        return self.out


def check(path, calls):
    """The checks of --check on the JSON as written; [(name, reason or None)]."""
    results = []
    try:
        events = json.loads(Path(path).read_text())["traceEvents"]
        results.append(("trace.json parses", None))
    except (ValueError, KeyError) as e:
        return [("trace.json parses", str(e))]
    open_ = collections.defaultdict(list)
    unmatched, depth_bad, slices = [], [], 0
    for e in events:
        track = (e.get("pid"), e.get("tid"))
        if e["ph"] == "B":
            if e.get("cat") == "migrate":
                level = len(open_[track])
                if level != e["args"]["depth"]:
                    depth_bad.append(f"{e['name']} at {e['ts']} us: depth {e['args']['depth']}, level {level}")
                if not e["args"].get("resumed"):
                    slices += 1
            open_[track].append(e)
        elif e["ph"] == "E":
            if not open_[track]:
                unmatched.append(f"E at {e['ts']} us on track {track} with nothing open")
            else:
                open_[track].pop()
    unmatched += [f"B {e['name']} at {e['ts']} us on track {t} never ends" for t, st in open_.items() for e in st]
    results.append(("every B has its E on the same track", "; ".join(unmatched[:3]) or None))
    results.append(("each migration slice nests at its recorded depth", "; ".join(depth_bad[:3]) or None))
    if calls is None:
        results.append(("migration slices = calls made", "the run printed no BENCH-CALLS"))
    else:
        results.append((f"migration slices = calls made ({slices} = {calls})",
                        None if slices == calls else f"{slices} slices, {calls} calls"))
    return results


def summarize(events, harts):
    """Per hart: migrations, lock waits and time waiting; and how often the harts called at once."""
    calls, waits, waited = collections.Counter(), collections.Counter(), collections.Counter()
    bins = collections.defaultdict(set)
    for e in events:
        if e["ph"] == "B" and e.get("cat") == "migrate" and not e["args"].get("resumed"):
            calls[e["tid"]] += 1
            bins[e["tid"]].add(int(e["ts"] // BIN_US))
        elif e["ph"] == "X" and e.get("cat") == "lock":
            waits[e["tid"]] += 1
            waited[e["tid"]] += e["dur"]
    lines = [f"hart {h}: {calls[h]} migrations, {waits[h]} lock waits ({waited[h]:.0f} us waiting)"
             for h in range(harts)]
    busy = [b for b in bins.values() if b]
    if len(busy) > 1:
        any_ = set().union(*busy)
        all_ = set.intersection(*busy)
        lines.append(f"every calling hart called in {100 * len(all_) / len(any_):.0f}% of the {BIN_US} us "
                     f"stretches in which any did")
    return lines


def busy_window(events, width):
    """Where the chart starts (us): the first window of `width` in which every hart calls most.

    The trace opens with the visits that start it and the workers' start,
    and on a busy host a hart's QEMU thread can lose its host core for
    milliseconds (the time CSR is host time there), which shows as a gap:
    the window is the earliest one that maximizes the least number of
    migrations any calling hart makes in it.
    """
    calls = collections.defaultdict(list)
    for e in events:
        if e["ph"] == "B" and e.get("cat") == "migrate" and not e["args"].get("resumed"):
            calls[e["tid"]].append(e["ts"])
    best, origin = -1, 0
    for o in sorted(t for ts in calls.values() for t in ts):
        least = min(bisect.bisect_left(ts, o + width) - bisect.bisect_left(ts, o) for ts in calls.values())
        if least > best:
            best, origin = least, o
    return origin


def plot(path, intervals, harts, ms, origin, title):
    """ms milliseconds from origin (us), one row per hart, one colour per process."""
    if not shutil.which("gnuplot"):
        print("trace: gnuplot not found; no timeline.png (tools/deps.sh installs gnuplot-nox)")
        return
    # Only what the window shows, lock waits last, so they are drawn over the process under them.
    shown = {p for iv in intervals.values() for s, e, p in iv if e > origin and s < origin + ms * 1000}
    procs = sorted(shown - {WAIT}) + sorted(shown & {WAIT})
    data = path.with_suffix(".dat")
    with open(data, "w") as f:
        for p in procs:
            f.write(f"# {p}\n")
            for h in range(harts):
                for s, e, q in intervals.get(h, []):
                    s, e = s - origin, min(e - origin, ms * 1000)
                    if q == p and e > 0 and s < ms * 1000:
                        f.write(f"{max(s, 0) / 1000:.6f} {e / 1000:.6f} {h}\n")
            f.write("0 0 -10\n\n\n")        # keeps every block non-empty, off the chart
    lines = [f"set terminal pngcairo size 1400,{160 + 70 * harts} font ',9'",
             f"set output '{path}'",
             f"set title '{title}' noenhanced",
             "set xlabel 'ms'",
             f"set xrange [0:{ms}]",
             f"set yrange [-0.6:{harts - 0.4}]",
             "set ytics (" + ", ".join(f"'hart {h}' {h}" for h in range(harts)) + ")",
             "set key outside right top noenhanced",
             "set style fill solid 1.0 noborder",
             "plot " + ", ".join(f"'{data}' index {i} using (($1+$2)/2):3:(($2-$1)/2):(0.35) "
                                 f"with boxxyerror lc {RED if p == WAIT else i + 1} title '{p}'"
                                 for i, p in enumerate(procs))]
    script = path.with_suffix(".gp")
    script.write_text("\n".join(lines) + "\n")
    subprocess.run(["gnuplot", str(script)], check=True)


def boot(args, what, out):
    if args.prog:
        line, test = f"test={args.prog} harts={args.harts} trace-prog=1", args.prog
    else:
        line = (f"test=bench harts={args.harts} mode=ops ops={args.ops} warmup={args.warmup} "
                f"scenarios={what} trace=1")
        test = "bench"
    kernel = REPO / "build" / f"{args.locking}-trace" / "migrant.bin"
    con = guest.boot(str(kernel), str(REPO / "build" / "user" / "test.cpio"), line, args.harts,
                     timeout=args.timeout, log=out / "console.log")
    reason = guest.judge(con.lines, con.exit, con.stopped, test=test,
                         expect=lambda lines: None if "TRACE-END" in lines else "no TRACE-END")
    if reason:
        tail = "\n  ".join(con.lines[-25:])
        raise RuntimeError(f"the traced run failed: {reason}:\n  {tail}")
    return con.lines


def trace_one(args, what, out):
    """One traced boot (or --from-log); returns the check results, or None without --check."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        lines = (Path(args.from_log).read_text(errors="replace").splitlines() if args.from_log
                 else boot(args, what, out))
        dump = Dump(lines)
    except (RuntimeError, ValueError) as e:
        print(f"trace: FAIL: {e}")
        return [(f"{what}: traced run", str(e).splitlines()[0])]
    conv = Converter(dump)
    events = conv.run()
    path = out / "trace.json"
    path.write_text(json.dumps({"traceEvents": events, "displayTimeUnit": "ns"}))
    origin = busy_window(events, args.ms * 1000)
    title = (f"{what}, locking={args.locking}, harts={dump.harts}: {args.ms:g} ms, "
             f"{origin / 1000:.2f} ms into the trace")
    plot(out / "timeline.png", conv.intervals, dump.harts, args.ms, origin, title)
    for h in range(dump.harts):
        print(f"trace: {what}: hart {h}: {dump.counts.get(h, 0)} events, {dump.dropped.get(h, 0)} dropped"
              + (" (buffer full: the trace ends early there)" if dump.dropped.get(h) else ""))
    print(f"trace: {what}: {path}: {path.stat().st_size} bytes, {len(events)} JSON events, "
          f"{out / 'timeline.png'}")
    for line in summarize(events, dump.harts):
        print(f"trace: {what}: {line}")
    for err in conv.errors[:10]:
        print(f"trace: {what}: inconsistent: {err}")
    if len(conv.errors) > 10:
        print(f"trace: {what}: ... {len(conv.errors) - 10} more inconsistencies")
    results = check(path, dump.calls)
    drops = sum(dump.dropped.values())
    results.append(("no event dropped", f"{drops} dropped" if drops else None))
    results.append(("the kernel's events are consistent", f"{len(conv.errors)} inconsistencies"
                    if conv.errors else None))
    return [(f"{what}: {name}", reason) for name, reason in results]


def main():
    ap = argparse.ArgumentParser()
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--bench", help="a scenario, or several separated by commas (one boot each)")
    what.add_argument("--prog")
    ap.add_argument("--harts", type=int, default=4)
    ap.add_argument("--locking", default="fine", choices=("fine", "bkl"))
    ap.add_argument("--ops", type=int, default=2000, help="operations per hart, after the warm-up")
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--ms", type=float, default=0.5, help="milliseconds timeline.png shows")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--out", default=str(REPO / "build" / "trace"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--from-log", help="convert this console log instead of booting")
    args = ap.parse_args()
    runs = [args.prog] if args.prog else args.bench.split(",")
    out = Path(args.out)
    results = []
    for what in runs:
        results += trace_one(args, what, out / what if len(runs) > 1 else out)
    failed = sum(1 for _, r in results if r is not None)
    if args.check:
        for name, reason in results:
            print(f"PASS trace/{name}" if reason is None else f"FAIL trace/{name}: {reason}")
        print(f"{len(results) - failed} passed, {failed} failed")
        return 1 if failed else 0
    # Without --check, a plain run fails only if it could not be traced or converted.
    bad = [r for n, r in results if r and ("traced run" in n or "consistent" in n)]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

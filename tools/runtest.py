#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run migrant's QEMU tests and report one result line per (test, harts).

Usage:
  runtest.py --kernel K --initrd I --locking L --manifest tests/tests.list
             [--only a,b] [--harts "1 4"] [--jobs N] [--timeout S]
             [--log-dir DIR] [--extra-qemu "..."] [--mem M] [--uboot BOOT_SCR]
  runtest.py --kernel K --initrd I --locking L --selfcheck
  runtest.py --kernel K --initrd I --locking L --wxcheck   (a WXTEST=1 kernel)
  runtest.py --self-test-parser

A pair passes only if the run finished in time, printed exactly one VERDICT
line (its own, saying PASS), reached `MIGRANT-END status=0`, printed no
PANIC/ASSERT line, and QEMU exited 0: the pass rule of guest.judge, which
the benchmarks and the fuzzer share. Set MIGRANT_QEMU to use a fake QEMU.

--uboot boots each run through U-Boot from a disk image, as a board does
(qemu.make_boot_disk); results are then named uboot/<test>.
"""

import argparse
import concurrent.futures
import dataclasses
import os
import re
import shlex
import sys
import tempfile
import threading
from pathlib import Path

# No __pycache__ in tools/: the tree stays clean for the lead's commits.
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import guest  # noqa: E402  (sibling modules, need the path above)
import qemu  # noqa: E402
from monitor import Monitor  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TAIL_LINES = 20
SELFCHECK_HANG_TIMEOUT = 15  # the hang test never ends; don't wait long



@dataclasses.dataclass
class Result:
    test: str
    harts: int
    ok: bool
    reason: str = ""
    log: str = ""  # console text, for the failure tail
    where: tuple = ()  # on a timeout: each hart's pcs (Monitor.where)


# ---------------------------------------------------------------- classify

def classify(test, text, exit_status, timed_out=False, timeout_s=0):
    """Return None if the console log shows a pass, else the failure reason."""
    lines = text.replace("\r", "").split("\n")
    stopped = f"timeout after {timeout_s}s" if timed_out else None
    return guest.judge(lines, exit_status, stopped, test=test)


# ---------------------------------------------------------------- running

def label(test, cfg):
    """The name a result line gives the run: a U-Boot boot, or a boot on
    another machine than virt, is a run of its own."""
    if cfg.uboot:
        return f"uboot/{test}"
    return test if cfg.machine == qemu.DEFAULT_MACHINE else f"{cfg.machine}/{test}"


def run_pair(test, harts, cfg, timeout_s):
    """Boot one QEMU for (test, harts); log to <log-dir>/<test>-h<N>.log
    (uboot-<test>-h<N>.log, beside its disk image, with --uboot;
    <machine>-<test>-h<N>.log on a machine other than virt)."""
    data = cfg.inputs.get(test)
    cmdline = qemu.test_cmdline(test, harts) + (f" input={data}" if data else "") + \
        (f" {cfg.args}" if cfg.args else "")
    prefix = "uboot-" if cfg.uboot else ""
    if cfg.machine != qemu.DEFAULT_MACHINE:
        prefix += f"{cfg.machine}-"
    stem = Path(cfg.log_dir) / f"{prefix}{test}-h{harts}"
    disk = None
    if cfg.uboot:
        disk = f"{stem}.img"
        qemu.make_boot_disk(disk, cfg.kernel, cfg.initrd, cmdline, cfg.uboot)
    where = []
    # The monitor's socket lives in a short temporary folder: a log folder's
    # path can be longer than a unix socket's name may be.
    with tempfile.TemporaryDirectory(prefix="migrant-mon-") as tmp:
        monitor = Monitor(tmp, cfg.kernel)
        con = guest.boot(cfg.kernel, cfg.initrd, cmdline, harts, cfg.mem,
                         extra=shlex.split(cfg.extra_qemu) + monitor.args(), boot_disk=disk,
                         timeout=timeout_s, log=f"{stem}.log", input_text=data,
                         machine=cfg.machine, before_kill=lambda _: where.extend(monitor.where()))
    reason = guest.judge(con.lines, con.exit, con.stopped, test=test)
    return Result(label(test, cfg), harts, reason is None, reason or "", "\n".join(con.lines),
                  tuple(where))


def result_line(r, locking):
    head = f"{'PASS' if r.ok else 'FAIL'} {r.test} (harts={r.harts}, locking={locking})"
    return head if r.ok else f"{head}: {r.reason}"


def log_tail(text):
    lines = text.replace("\r", "").rstrip("\n").split("\n")[-TAIL_LINES:]
    if lines == [""]:
        return "    (no console output)"
    return "\n".join("    | " + l for l in lines)


class HartBudget:
    """Guest harts running at once, at most `limit` (a run wider than that
    runs alone). Each guest hart is a host thread, and a hart that holds a
    lock stalls every hart waiting for it while the host runs someone else:
    the bkl build's 8-hart runs took minutes beside a 4-hart one on a 2-core
    host, and seconds alone."""

    def __init__(self, limit):
        self.limit, self.used, self.cond = limit, 0, threading.Condition()

    def run(self, harts, fn, *args):
        want = min(harts, self.limit)
        with self.cond:
            self.cond.wait_for(lambda: self.used + want <= self.limit)
            self.used += want
        try:
            return fn(*args)
        finally:
            with self.cond:
                self.used -= want
                self.cond.notify_all()


def run_all(pairs, cfg, on_result):
    """Run (test, harts, timeout) triples on a pool, widest first, within
    cfg.max_harts guest harts at once; call on_result as each finishes.
    Returns {(test, harts): Result} for the pairs that finished."""
    results = {}
    budget = HartBudget(cfg.max_harts)
    Path(cfg.log_dir).mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=cfg.jobs) as pool:
        futures = {pool.submit(budget.run, h, run_pair, t, h, cfg, to): (t, h)
                   for t, h, to in sorted(pairs, key=lambda p: -p[1])}
        for fut in concurrent.futures.as_completed(futures):
            key = futures[fut]
            try:
                r = fut.result()
            except Exception as e:  # runner bug: reported as "did not run"
                print(f"runtest: runner error for {key[0]} harts={key[1]}: "
                      f"{e!r}", file=sys.stderr, flush=True)
                continue
            results[key] = r
            on_result(r)
    return results


# ---------------------------------------------------------------- manifest

def parse_manifest(path, inputs=None):
    """Return [(name, [harts...])] in file order; raise ValueError on junk.

    A line may end with `input=TEXT`: typed into the guest's serial port
    once the test prints READY (see feed_input); collected into `inputs`.
    """
    tests, seen = [], set()
    for n, raw in enumerate(Path(path).read_text().splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        if words[-1].startswith("input="):
            if inputs is not None:
                inputs[words[0]] = words[-1][len("input="):]
            words = words[:-1]
        name, harts = words[0], words[1:]
        if not harts or not all(h.isdigit() and int(h) > 0 for h in harts):
            raise ValueError(f"{path}:{n}: want `<name> <harts...>`: {raw!r}")
        harts = [int(h) for h in harts]
        # Duplicates would break the "one result line per pair" check.
        for h in harts:
            if (name, h) in seen:
                raise ValueError(f"{path}:{n}: duplicate pair {name} harts={h}")
            seen.add((name, h))
        tests.append((name, harts))
    return tests


def select_pairs(tests, only, harts_override):
    """Apply --only and --harts to the manifest; return [(name, harts)]."""
    if only:
        known = {name for name, _ in tests}
        unknown = [n for n in only if n not in known]
        if unknown:
            raise ValueError(f"--only names not in manifest: {', '.join(unknown)}")
        tests = [t for t in tests if t[0] in only]
    return [(name, h) for name, hs in tests for h in (harts_override or hs)]


# ---------------------------------------------------------------- modes

def run_tests(cfg):
    try:
        pairs = select_pairs(parse_manifest(cfg.manifest, cfg.inputs), cfg.only, cfg.harts)
    except (OSError, ValueError) as e:
        print(f"runtest: {e}", file=sys.stderr)
        return 2
    lock = threading.Lock()

    def report(r):
        with lock:  # one atomic block per result, even with many workers
            print(result_line(r, cfg.locking), flush=True)
            if not r.ok:
                print(log_tail(r.log), flush=True)
            if r.where:
                print(f"    where the harts were, {Monitor.SAMPLES} samples {Monitor.GAP_S} s apart:")
                print("\n".join("    " + l for l in r.where), flush=True)

    results = run_all([(t, h, cfg.timeout) for t, h in pairs], cfg, report)
    # Every declared pair must have exactly one result line; a pair the pool
    # lost still gets one, as a failure.
    for t, h in pairs:
        if (t, h) not in results:
            results[(t, h)] = Result(label(t, cfg), h, False, "did not run")
            report(results[(t, h)])
    passed = sum(r.ok for r in results.values())
    failed = len(pairs) - passed
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def run_selfcheck(cfg):
    """Prove the harness catches a failing and a hanging test."""
    pairs = [("selfcheck_fail", 1, cfg.timeout),
             ("selfcheck_hang", 1, min(cfg.timeout, SELFCHECK_HANG_TIMEOUT)),
             ("boot", 1, cfg.timeout)]
    res = run_all(pairs, cfg, lambda r: None)
    missing = Result("", 1, False, "did not run")
    fail = res.get(("selfcheck_fail", 1), missing)
    hang = res.get(("selfcheck_hang", 1), missing)
    ctrl = res.get(("boot", 1), missing)

    checks = [
        (not fail.ok and fail.reason.startswith("verdict FAIL"), fail,
         f"SELFCHECK caught failing test: {fail.reason}", "failing test"),
        (not hang.ok and hang.reason.startswith("timeout"), hang,
         f"SELFCHECK caught hanging test: {hang.reason}", "hanging test"),
        # A timeout says where the harts were (the monitor answered).
        (bool(hang.where) and "did not answer" not in hang.where[0], hang,
         "SELFCHECK hang located: " + "; ".join(hang.where), "hang's location"),
        (ctrl.ok, ctrl, "SELFCHECK control passed", "control boot"),
    ]
    problems = []
    for good, r, message, what in checks:
        if good:
            print(message)
        else:
            problems.append(f"{what} gave {'PASS' if r.ok else r.reason}")
            print(f"SELFCHECK {what} NOT as expected: "
                  f"{'PASS' if r.ok else r.reason}")
            print(log_tail(r.log))
    if problems:
        print(f"harness self-check: BROKEN ({'; '.join(problems)})")
        return 1
    print("harness self-check: ok")
    return 0


# make wx-check: what a WXTEST=1 kernel (src/arch/riscv/wxtest.c) must do
# for each case. The WXTEST line names the address the kernel is about to
# touch; the first panic must then be exactly the line below, at that
# address, with its pc (sepc for the store, ra for the jump: after a jump
# sepc is the target) in the test's own function, so no other trap passes.
WX_CASES = [
    ("text", r"WXTEST text: store to ([0-9a-f]+)$",
     r"PANIC \(hart 0\): kernel store to read-only memory at {addr} \(kernel text\) sepc ([0-9a-f]+)$",
     "wxtest_store_text"),
    ("dmap", r"WXTEST dmap: jump to ([0-9a-f]+)$",
     r"PANIC \(hart 0\): kernel jumped to non-executable memory at {addr} \(direct map\) ra ([0-9a-f]+)$",
     "wxtest_jump_dmap"),
]


def wx_reason(lines, exit_status, stopped, announce, expect, func, symbols):
    """None if the run panicked as the case expects, else why not."""
    marks = [m for m in map(re.compile(announce).match, lines) if m]
    if not marks:
        return guest.judge(lines, exit_status, stopped) or "no WXTEST line"
    reason = guest.judge(lines, exit_status, stopped)
    if not reason or not reason.startswith("panic: "):
        return f"no panic: {reason or 'the run passed'}"
    line = reason[len("panic: "):]
    m = re.match(expect.format(addr=marks[0].group(1)), line)
    if not m:
        return f"wrong panic: {line}"
    where = symbols.lookup(int(m.group(1), 16))
    if where != func:
        return f"panic from {where}, not {func}: {line}"
    return None


def run_wxcheck(cfg):
    """Boot each W^X case once, one at a time, at one hart."""
    elf = Path(cfg.kernel).with_suffix(".elf")
    symbols = guest.Symbols([elf])
    Path(cfg.log_dir).mkdir(parents=True, exist_ok=True)
    passed = 0
    for case, announce, expect, func in WX_CASES:
        con = guest.boot(cfg.kernel, cfg.initrd, f"wxtest={case}", 1, cfg.mem, extra=cfg.extra_qemu,
                         timeout=cfg.timeout, log=str(Path(cfg.log_dir) / f"wx-{case}-h1.log"))
        reason = wx_reason(con.lines, con.exit, con.stopped, announce, expect, func, symbols)
        r = Result(f"wx/{case}", 1, reason is None, reason or "", "\n".join(con.lines))
        print(result_line(r, cfg.locking), flush=True)
        if r.ok:
            passed += 1
        else:
            print(log_tail(r.log), flush=True)
    print(f"{passed} passed, {len(WX_CASES) - passed} failed", flush=True)
    return 0 if passed == len(WX_CASES) else 1


PARSER_SAMPLES = [
    # (name, log, qemu exit status, timed out, expected reason or None)
    ("pass", "OpenSBI\nVERDICT t PASS\nMIGRANT-END status=0\n", 0, False, None),
    ("crlf", "VERDICT t PASS\r\nMIGRANT-END status=0\r\n", 0, False, None),
    ("fail verdict", "VERDICT t FAIL: bad cap\nMIGRANT-END status=1\n", 1,
     False, "verdict FAIL: bad cap"),
    ("panic", "VERDICT t PASS\nkernel PANIC: oops\nMIGRANT-END status=0\n",
     0, False, "panic: kernel PANIC: oops"),
    ("assert", "ASSERT failed: x\n", 0, True, "panic: ASSERT failed: x"),
    ("missing marker", "VERDICT t PASS\n", 0, False, "missing end marker"),
    ("two verdicts", "VERDICT t PASS\nVERDICT t PASS\nMIGRANT-END status=0\n",
     0, False, "2 verdicts"),
    ("wrong name", "VERDICT other PASS\nMIGRANT-END status=0\n", 0, False,
     "verdict from another test: VERDICT other PASS"),
    ("both names", "VERDICT t PASS\nVERDICT tt PASS\nMIGRANT-END status=0\n",
     0, False, "verdict from another test: VERDICT tt PASS"),
    ("no verdict", "MIGRANT-END status=0\n", 0, False, "no verdict"),
    ("timeout", "VERDICT t PASS\n", -9, True, "timeout after 7s"),
    ("end status", "VERDICT t PASS\nMIGRANT-END status=3\n", 3, False,
     "end marker status=3"),
    ("qemu status", "VERDICT t PASS\nMIGRANT-END status=0\n", 1, False,
     "qemu exit status 1"),
]


def self_test_parser():
    bad = 0
    for name, log, status, timed_out, want in PARSER_SAMPLES:
        got = classify("t", log, status, timed_out, 7)
        if got != want:
            bad += 1
            print(f"parser self-test {name}: got {got!r}, want {want!r}")
    print(f"parser self-test: {len(PARSER_SAMPLES) - bad}/{len(PARSER_SAMPLES)} ok")
    return 1 if bad else 0


# ---------------------------------------------------------------- main

def harts_list(s):
    return [int(h) for h in s.replace(",", " ").split()]


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Run migrant QEMU tests.")
    ap.add_argument("--kernel")
    ap.add_argument("--initrd")
    ap.add_argument("--locking", help="label of the kernel's locking variant")
    ap.add_argument("--manifest", default=str(REPO / "tests" / "tests.list"))
    ap.add_argument("--only", type=lambda s: [n for n in s.split(",") if n],
                    default=None, help="comma-separated test names")
    ap.add_argument("--harts", type=harts_list, default=None,
                    help='override hart counts for every test, e.g. "1 4"')
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-harts", type=int, default=None,
                    help="guest harts running at once (default: 2 per host core)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per run")
    ap.add_argument("--log-dir", default=None,
                    help="default: build/<locking>/logs")
    ap.add_argument("--mem", default=qemu.DEFAULT_MEM)
    ap.add_argument("--machine", default=qemu.DEFAULT_MACHINE, choices=sorted(qemu.MACHINES),
                    help="the QEMU machine; --harts counts migrant's harts, without "
                    "a monitor core (sifive_u's hart 0)")
    ap.add_argument("--extra-qemu", default="", help="extra QEMU arguments")
    ap.add_argument("--args", default="", help="more words for the kernel command line (asid_bits=0)")
    ap.add_argument("--uboot", metavar="BOOT_SCR", default=None,
                    help="boot through U-Boot with this compiled boot script")
    ap.add_argument("--selfcheck", action="store_true",
                    help="prove the harness catches failing/hanging tests")
    ap.add_argument("--wxcheck", action="store_true",
                    help="boot a WXTEST=1 kernel's W^X cases; each must panic as expected")
    ap.add_argument("--self-test-parser", action="store_true",
                    help="check the log classifier on built-in samples")
    args = ap.parse_args(argv)
    if args.self_test_parser:
        return args
    for opt in ("kernel", "initrd", "locking"):
        if not getattr(args, opt):
            ap.error(f"--{opt} is required")
    for opt in ("kernel", "initrd", "uboot"):
        if getattr(args, opt) and not Path(getattr(args, opt)).is_file():
            ap.error(f"--{opt} {getattr(args, opt)}: no such file")
    if args.jobs < 1 or args.timeout < 1:
        ap.error("--jobs and --timeout must be positive")
    if args.max_harts is None:
        args.max_harts = 2 * len(os.sched_getaffinity(0))
    if args.max_harts < 1:
        ap.error("--max-harts must be positive")
    if args.harts is not None and (not args.harts or min(args.harts) < 1):
        ap.error("--harts needs positive hart counts")
    if args.uboot and args.machine != qemu.DEFAULT_MACHINE:
        ap.error("--uboot boots the virt machine only")
    if args.log_dir is None:
        args.log_dir = str(REPO / "build" / args.locking / "logs")
    args.inputs = {}
    return args


def main(argv=None):
    cfg = parse_args(argv)
    if cfg.self_test_parser:
        return self_test_parser()
    cores = len(os.sched_getaffinity(0))
    print(f"runtest: host cores={cores}, jobs={cfg.jobs}, max harts={cfg.max_harts}, "
          f"locking={cfg.locking}, machine={cfg.machine}",
          flush=True)
    if cfg.wxcheck:
        return run_wxcheck(cfg)
    return run_selfcheck(cfg) if cfg.selfcheck else run_tests(cfg)


if __name__ == "__main__":
    sys.exit(main())

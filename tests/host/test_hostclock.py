# SPDX-License-Identifier: BSD-2-Clause
"""tools/hostclock.py's rule on a fake /proc: a starved thread's deadline
stretches, a spinning or sleeping one's does not, and the cap fires anyway."""

import os
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import hostclock  # noqa: E402
import stress  # noqa: E402

PID = 4242
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    failures += not cond


class FakeHost:
    """A fake /proc with one process, and the wall clock, both moved by hand."""

    def __init__(self, root):
        self.root, self.now = root, 100.0
        self.stats = {}   # tid -> [comm, run ns, wait ns]

    def wall(self):
        return self.now

    def thread(self, tid, comm):
        self.stats[tid] = [comm, 0, 0]
        self.write()

    def write(self):
        for tid, (comm, run, wait) in self.stats.items():
            d = Path(self.root, str(PID), "task", str(tid))
            d.mkdir(parents=True, exist_ok=True)
            (d / "comm").write_text(comm + "\n")
            (d / "schedstat").write_text(f"{run} {wait} 1\n")

    def advance(self, secs, ran=None, waited=None):
        """secs of wall time; ran/waited: {tid: seconds} (the rest it slept)."""
        self.now += secs
        for tid, s in (ran or {}).items():
            self.stats[tid][1] += int(s * 1e9)
        for tid, s in (waited or {}).items():
            self.stats[tid][2] += int(s * 1e9)
        self.write()

    def step(self, clock, n, secs, ran=None, waited=None):
        for _ in range(n):
            self.advance(secs, ran, waited)
            clock.sample()


def setup(root):
    host = FakeHost(root)
    Path(root, str(PID), "task").mkdir(parents=True)
    host.thread(PID, "qrun")   # the slot wrapper, still waiting
    clock = hostclock.HostClock(PID, proc=root, wall=host.wall)
    start = clock.mark()
    host.step(clock, 30, 1.0)   # 30 s waiting for a slot: does not count
    check(clock.overdue(start, 5) is None, "time before vCPU threads does not count")
    host.stats[PID][0] = "qemu-system-ris"
    host.thread(11, "CPU 0/TCG")
    host.thread(12, "CPU 1/TCG")
    clock.sample()
    return host, clock, start


def check_watchdog():
    """tools/stress.py's Watchdog: a stall counts only up to the latest
    heartbeat, so a starved printer is not another hart's hang."""
    with tempfile.TemporaryDirectory() as root:
        host, clock, _ = setup(root)
        run = stress.Run()
        dog = stress.Watchdog(run)
        hb = [0, 0]

        def beat(secs, ran, waited=None, moved=(0, 1)):
            for i in moved:
                hb[i] += 1
            run.lines.append(f"STRESS hb {hb[0]} {hb[1]}")
            host.step(clock, 1, secs, ran, waited)
            return dog.check(clock)

        for _ in range(4):
            check(beat(0.5, {11: 0.5, 12: 0.5}) is None, "both harts move: no hang")
        # The printer (hart 1) is starved for 8 s while hart 0 runs: no
        # heartbeat, so hart 0's unchanged count says nothing.
        quiet = None
        for _ in range(16):
            host.step(clock, 1, 0.5, {11: 0.5}, {12: 0.5, PID: 0.5})
            quiet = quiet or dog.check(clock)
        check(quiet is None, f"a starved printer is no hart's hang: {quiet}")
        check(beat(0.5, {11: 0.5, 12: 0.5}) is None, "heartbeats again: no hang")
        # Hart 0 really stops (spins without progress) while hart 1 prints.
        r = None
        for _ in range(12):
            r = r or beat(0.5, {11: 0.5, 12: 0.5}, moved=(1,))
        check(r is not None and r.startswith("hang: hart 0 made no progress for 5 s of its own time"),
              f"a hart whose count stands still across heartbeats is hung: {r}")


def main():
    with tempfile.TemporaryDirectory() as root:
        host, clock, start = setup(root)
        # Hart 0 spins (runs all the time), hart 1 sleeps in WFI (neither
        # runs nor waits): both use up their own time as the wall goes.
        spin, sleep = clock.mark(0), clock.mark(1)
        host.step(clock, 4, 1.0, ran={11: 1.0})
        check(clock.overdue(spin, 5, hart=0) is None, "a spinning hart within its limit")
        host.step(clock, 2, 1.0, ran={11: 1.0})
        r = clock.overdue(spin, 5, hart=0)
        check(r is not None and r.startswith("5 s of its own time (6.0 s wall, 0.0 s starved"),
              f"a spinning hart is overdue after 6 s: {r}")
        r = clock.overdue(sleep, 5, hart=1)
        check(r is not None and r.startswith("5 s of its own time (6.0 s wall"),
              f"a sleeping hart is overdue after 6 s: {r}")

        # Hart 1 runnable but not run for 8 of 10 s: 2 s of its own time.
        starved, whole = clock.mark(1), clock.mark()
        host.step(clock, 10, 1.0, ran={11: 1.0, 12: 0.2}, waited={12: 0.8})
        check(clock.overdue(starved, 5, hart=1) is None,
              f"a starved hart's deadline stretches (own {clock.hart_own(1) - starved.own:.1f} s)")
        check(clock.overdue(starved, 1.5, hart=1).startswith("1.5 s of its own time (10.0 s wall, 8.0 s starved"),
              "and it is overdue once its own time passes the limit")
        check(clock.overdue(clock.mark(0), 5, hart=0) is None, "a fresh mark is not overdue")
        # The whole QEMU stretches by the largest wait among its threads.
        check(abs((clock.mark().own - whole.own) - 2.0) < 1e-6,
              "the whole QEMU's clock stretches by the largest thread's wait")
        r = clock.overdue(whole, 1, own_time="guest time", starved="starved on the host")
        check(r is not None and "8.0 s starved on the host" in r, f"the guest-time message: {r}")

        # The boot mark: the slot wait shows, and is no part of the guest time.
        r = clock.overdue(start, 5, own_time="guest time")
        check(r is not None and r.startswith("5 s of guest time (46.0 s wall, 8.0 s starved, "
                                             "30 s waiting before QEMU started)"),
              f"the slot wait shows, and is not starvation: {r}")
        check(clock.overdue(start, 1, own_time="guest time").startswith("16 s of wall time, over 10 x"),
              "the cap counts from QEMU's start")

        # Starved forever: the cap fires at CAP x the limit of wall time.
        capped = clock.mark(1)
        host.step(clock, 49, 1.0, waited={11: 1.0, 12: 1.0})
        check(clock.overdue(capped, 5, hart=1) is None, "49 s starved: within the cap")
        host.step(clock, 2, 1.0, waited={11: 1.0, 12: 1.0})
        r = clock.overdue(capped, 5, hart=1)
        check(r is not None and r.startswith("51 s of wall time, over 10 x the 5 s limit"),
              f"the cap fires: {r}")

        # A thread that appears later waits only from when it is first seen.
        host.thread(13, "CPU 2/TCG")
        host.stats[13][2] = int(50e9)
        host.write()
        clock.sample()
        late = clock.mark(2)
        host.step(clock, 3, 1.0)
        check(abs((clock.mark(2).own - late.own) - 3.0) < 1e-6, "a new thread's past waits do not count")

    # No /proc entry for the process at all: plain wall time.
    with tempfile.TemporaryDirectory() as root:
        host = FakeHost(root)
        clock = hostclock.HostClock(PID, proc=root, wall=host.wall)
        m = clock.mark(0)
        host.now += 6
        clock.sample()
        check(clock.overdue(m, 5, hart=0) is not None, "without /proc, the wall time")

    # No schedstat: the wall time once QEMU runs.
    with tempfile.TemporaryDirectory() as root:
        host, clock, _ = setup(root)
        for tid in host.stats:
            os.remove(Path(root, str(PID), "task", str(tid), "schedstat"))
        m = clock.mark(1)
        host.now += 6
        clock.sample()
        check(clock.overdue(m, 5, hart=1) is not None, "without schedstat, the wall time")

    check_watchdog()

    print(f"{'FAIL' if failures else 'ok'}: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

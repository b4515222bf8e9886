# SPDX-License-Identifier: BSD-2-Clause
"""A QEMU's clocks as the host scheduler let it run: the one rule every
timeout and watchdog of the harness uses to tell a hung hart from a starved one.

Linux gives each thread's time in /proc/<pid>/task/<tid>/schedstat: ns it ran,
ns it waited on a runqueue (runnable, but the host gave the core to someone
else), timeslices. A thread's effective time over an interval is the wall
time less its runqueue wait: the time it ran plus the time it slept of its
own accord. So a hart spinning with interrupts off (it runs) and one blocked
in WFI forever (it sleeps) both use up their deadline, as on an idle host,
while one the host did not run stretches it. Over each sample interval:

  - hart i's clock advances by the interval less the wait of QEMU's vCPU
    thread for it (`CPU <n>/TCG`, named by `-name ...,debug-threads=on`;
    n = i + the machine's monitor harts); without named threads, as the
    whole QEMU's;
  - the whole QEMU's clock advances by the interval less the largest wait
    among all its threads: conservative, since no single thread stalls the
    guest more, and on a quiet host still the wall time, so a real hang
    fails on time.

Neither advances before QEMU has vCPU threads: the slot wrapper that waits
for a free QEMU (MIGRANT_QEMU) shares its pid, and QEMU execs in its place.
Without schedstat, both are the wall time once QEMU runs; without /proc at
all, from the start. Whatever the clocks say, wall time over CAP times the
limit once QEMU runs fails (overdue). A process that never shows a vCPU
thread never starts its clocks: a fake QEMU (MIGRANT_QEMU) that is to be
timed names a thread `CPU 0/...` (prctl PR_SET_NAME).
"""

import dataclasses
import os
import re
import time

# Wall time over CAP x the limit fails whatever the effective clock says:
# a run the host never lets finish is a failure too, only a later one.
CAP = 10
VCPU_RE = re.compile(r"^CPU (\d+)/")


@dataclasses.dataclass
class Mark:
    wall: float   # wall seconds since the clock was made
    own: float    # effective seconds of the hart (or the whole QEMU) then


def read_threads(proc, pid):
    """{tid: (comm, wait ns or None)} of a process's threads; None if it is gone."""
    task = os.path.join(proc, str(pid), "task")
    try:
        tids = os.listdir(task)
    except OSError:
        return None
    threads = {}
    for tid in tids:
        try:
            with open(os.path.join(task, tid, "comm")) as f:
                comm = f.read().strip()
        except OSError:
            continue   # the thread ended between listdir and open
        try:
            with open(os.path.join(task, tid, "schedstat")) as f:
                wait = int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            wait = None
        threads[tid] = (comm, wait)
    return threads


class HostClock:
    """Effective clocks of one QEMU process (pid): the whole QEMU's and
    each hart's. sample() reads /proc once and advances them; mark() and
    overdue() measure deadlines against them."""

    def __init__(self, pid, monitor_harts=0, proc="/proc", wall=time.monotonic):
        self.pid, self.monitor_harts, self.proc, self.wall = pid, monitor_harts, proc, wall
        self.t0 = self.last = wall()
        self.started = not os.path.isdir(os.path.join(proc, str(pid)))
        self.waited = 0.0         # wall seconds before QEMU had vCPU threads
        self.own = 0.0            # the whole QEMU's effective seconds
        self.cpus = {}            # QEMU cpu index -> its effective seconds
        self.waits = {}           # tid -> its wait ns at the last sample

    def sample(self):
        """Read the threads' waits once and advance the clocks by the time since the last sample."""
        now = self.wall()
        dt, self.last = now - self.last, now
        threads = read_threads(self.proc, self.pid) or {}
        if not self.started:
            self.started = any(VCPU_RE.match(c) for c, _ in threads.values())
            if not self.started:
                self.waited += dt
                return
            # The wrapper became QEMU at some point of this interval: count
            # it as waiting, and take the threads' waits from here on.
            self.waited, dt = self.waited + dt, 0.0
        waits = {}
        for tid, (comm, wait) in threads.items():
            # A thread new since the last sample counts from now on; one
            # without schedstat never waits.
            was = self.waits.get(tid, wait)
            waits[tid] = (comm, 0.0 if wait is None else min(dt, max(0.0, (wait - was) / 1e9)))
        self.waits = {tid: wait for tid, (_, wait) in threads.items() if wait is not None}
        before = self.own
        self.own += dt - max((w for _, w in waits.values()), default=0.0)
        for comm, w in waits.values():
            m = VCPU_RE.match(comm)
            if m:
                cpu = int(m.group(1))
                self.cpus[cpu] = self.cpus.get(cpu, before) + dt - w

    def hart_own(self, hart):
        """Hart's effective seconds: its vCPU thread's, or the whole QEMU's."""
        return self.cpus.get(hart + self.monitor_harts, self.own) if hart is not None else self.own

    def mark(self, hart=None):
        """The clocks at the last sample: the hart's, or the whole QEMU's if None."""
        return Mark(self.last - self.t0, self.hart_own(hart))

    def overdue(self, mark, limit, hart=None, until=None, own_time="its own time",
                starved="starved"):
        """None while at most `limit` effective seconds have passed from mark
        to until (a later mark of the same clock; by default the last sample)
        and at most CAP x limit of wall time, else how long it was, as
        `5 s of its own time (9.1 s wall, 4.1 s starved)`."""
        now = until if until is not None else self.mark(hart)
        own, wall = now.own - mark.own, now.wall - mark.wall
        # Of the wall time since mark, what went waiting for QEMU to start.
        queued = max(0.0, self.waited - mark.wall)
        detail = f"{wall - queued - own:.1f} s {starved}"
        if queued >= 0.5:
            detail += f", {queued:.0f} s waiting before QEMU started"
        # The slot wait is other runs' time, not this one's: no cap on it.
        if wall - queued > CAP * limit:
            return (f"{wall - queued:.0f} s of wall time, over {CAP} x the {limit:g} s limit "
                    f"whatever the host did ({max(own, 0.0):.1f} s of {own_time}, {detail})")
        if own > limit:
            return f"{limit:g} s of {own_time} ({wall:.1f} s wall, {detail})"
        return None

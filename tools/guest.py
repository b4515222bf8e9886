# SPDX-License-Identifier: BSD-2-Clause
"""One guest run: boot QEMU, watch its console, judge it, and name its pcs.

Every tool that boots migrant and decides whether the run went right
(runtest.py, bench.py, profile.py, stress.py) does it here, so they share
one pass rule (judge):

  - a console line containing PANIC or ASSERT fails the run;
  - so does a failure the guest reported itself (a tool's `failed`), and a
    run stopped early: the timeout, or a tool's watchdog (a hang);
  - the expected verdict must be there: exactly one `VERDICT <test> PASS`
    line of the program's own, and whatever else the tool expects;
  - the kernel's end marker `MIGRANT-END status=0` must appear;
  - QEMU must exit with status 0.

Symbols turns pcs into function names from the ELFs' symbol tables; the
kernel's base address comes from its ELF (kernel_base).
"""

import bisect
import dataclasses
import os
import re
import signal
import struct
import subprocess
import threading

import hostclock
import qemu

PANIC_RE = re.compile(r"PANIC|ASSERT")
VERDICT_RE = re.compile(r"^VERDICT (\S+) (PASS|FAIL)\b(?::\s*(.*))?")
END_RE = re.compile(r"^MIGRANT-END status=(-?\d+)")
# How often a watchdog looks at the run.
POLL_S = 0.2


@dataclasses.dataclass
class Console:
    lines: list       # every console line, without its line ending
    exit: int         # QEMU's exit status
    stopped: str      # why the run was cut short (timeout, a watchdog), or None


def kill_group(proc):
    """Kill QEMU and anything it started (it leads its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def boot(kernel, initrd, cmdline, harts=1, mem=qemu.DEFAULT_MEM, extra=(), boot_disk=None,
         timeout=120, log=None, on_line=None, watch=None, before_kill=None, input_text=None,
         machine=qemu.DEFAULT_MACHINE):
    """Boot one QEMU and watch its console until QEMU exits or the run is stopped.

    log: a path that gets the raw console as it comes. on_line(line) sees each
    line as it arrives. watch(clock) is asked every POLL_S seconds and returns
    a reason to stop the run (a hang) or None; clock is the run's
    hostclock.HostClock, just sampled. After `timeout` seconds of guest time
    (wall time less what the host kept QEMU waiting, hostclock.py) the run
    stops as "timeout after <timeout> s of guest time (...)"; after 10 times
    `timeout` of wall time, whatever the host did. before_kill(reason) runs
    while a stopped QEMU still lives (to ask its monitor where the harts are).
    input_text is typed into the guest's serial port once it prints READY: a
    test that reads the console says READY when its interrupt handler is in
    place, and input sent earlier would only wait in the UART. machine is a
    key of qemu.MACHINES; harts counts migrant's harts on it.
    """
    cmd = qemu.build_command(kernel, initrd, cmdline, harts, mem, extra=extra,
                             boot_disk=boot_disk, machine=machine)
    # Own session, so a stop kills the whole group; stdin is /dev/null so QEMU
    # never touches the terminal, or a pipe when there is input to type.
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if input_text else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lines = []

    def type_input():
        try:
            proc.stdin.write(input_text.encode())
            proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def reader():
        typed = not input_text
        with open(log, "wb") if log else open(os.devnull, "wb") as f:
            for raw in proc.stdout:
                f.write(raw)
                f.flush()
                line = raw.decode("utf-8", "replace").replace("\r", "").rstrip("\n")
                lines.append(line)
                if not typed and "READY" in line:
                    type_input()
                    typed = True
                if on_line:
                    on_line(line)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    clock = hostclock.HostClock(proc.pid, qemu.MACHINES[machine]["monitor_harts"])
    start = clock.mark()
    stopped = None
    while stopped is None:
        try:
            proc.wait(timeout=POLL_S)
            break
        except subprocess.TimeoutExpired:
            pass
        clock.sample()
        stopped = watch(clock) if watch else None
        over = clock.overdue(start, timeout, own_time="guest time", starved="starved on the host")
        if stopped is None and over:
            stopped = f"timeout after {over}"
    if stopped and before_kill:
        before_kill(stopped)
    # Also after a normal exit: reap anything the process left behind.
    kill_group(proc)
    status = proc.wait()
    t.join(timeout=5)
    if input_text:
        proc.stdin.close()
    return Console(lines, status, stopped)


def verdict_reason(test, lines):
    """Why the lines do not hold exactly one PASS verdict of test's own, or None."""
    verdicts = [m for m in map(VERDICT_RE.match, lines) if m]
    for m in verdicts:
        if m.group(1) != test:
            return f"verdict from another test: {m.group(0).strip()}"
    if not verdicts:
        return "no verdict"
    if len(verdicts) > 1:
        return f"{len(verdicts)} verdicts"
    if verdicts[0].group(2) != "PASS":
        return f"verdict FAIL: {verdicts[0].group(3) or '(no reason)'}"
    return None


def judge(lines, exit_status, stopped=None, test=None, failed=None, expect=None):
    """None if the run passed, else the reason it failed (see the module's rule).

    test: the program whose VERDICT line must say PASS (None: the program
    prints none). failed(lines) and expect(lines) return a reason or None:
    failed for a failure the guest reported, which comes before a stop
    (the run may hang after it); expect for what else must be there.
    A panic is reported first: a panicked kernel usually just spins until
    killed, and the panic line is the useful cause.
    """
    for line in lines:
        if PANIC_RE.search(line):
            return f"panic: {line.strip()}"
    reason = failed(lines) if failed else None
    if reason:
        return reason
    if stopped:
        return stopped
    reason = (verdict_reason(test, lines) if test else None) or (expect(lines) if expect else None)
    if reason:
        return reason
    ends = [m for m in map(END_RE.match, lines) if m]
    if not ends:
        return "missing end marker"
    if ends[-1].group(1) != "0":
        return f"end marker status={ends[-1].group(1)}"
    if exit_status != 0:
        return f"qemu exit status {exit_status}"
    return None


def kernel_base(elf):
    """The lowest address the kernel ELF loads at (its first PT_LOAD segment)."""
    with open(elf, "rb") as f:
        head = f.read(64)
        phoff, = struct.unpack_from("<Q", head, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    PT_LOAD = 1
    loads = [struct.unpack_from("<IIQQ", table, i * phentsize) for i in range(phnum)]
    return min(vaddr for kind, _, _, vaddr in loads if kind == PT_LOAD)


class Symbols:
    """pc to function name, from the text symbols (`nm -n`) of one or more ELFs."""

    def __init__(self, elfs, nm=None):
        nm = nm or qemu.cross_tool("nm")
        table = []
        for elf in elfs:
            if not os.path.exists(elf):
                continue
            out = subprocess.run([nm, "-n", str(elf)], capture_output=True, text=True).stdout
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[1] in "tTwW":
                    table.append((int(parts[0], 16), parts[2]))
        table.sort()
        self.addrs = [a for a, _ in table]
        self.names = [n for _, n in table]

    def lookup(self, pc, default=None):
        """The function pc lies in, or `default` (its address in hex if None) below all."""
        i = bisect.bisect_right(self.addrs, pc) - 1
        if i >= 0:
            return self.names[i]
        return f"0x{pc:x}" if default is None else default

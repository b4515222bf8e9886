#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""QEMU's monitor on a unix socket, asked where the harts are when a run
hangs: the fuzzer (tools/stress.py) and the test runner (tools/runtest.py)
both print it beside a timeout, so a hang that happens once in hundreds of
boots says where it was the one time it does."""

import os
import re
import socket
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import guest  # noqa: E402


class Monitor:
    """QEMU's monitor on a unix socket: where the harts are when a run hangs."""

    SAMPLES, GAP_S = 3, 0.5

    def __init__(self, workdir, kernel):
        self.path = os.path.join(workdir, "monitor.sock")
        self.elf = Path(kernel).with_suffix(".elf")

    def args(self):
        return ["-chardev", f"socket,id=mon,path={self.path},server=on,wait=off",
                "-mon", "chardev=mon,mode=readline"]

    def ask(self, command):
        """The monitor's answer to one command; '' if QEMU does not answer."""
        out = b""
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(0.5)
                s.connect(self.path)
                s.sendall(command.encode() + b"\n")
                while True:
                    chunk = s.recv(1 << 16)
                    if not chunk:
                        break
                    out += chunk
        except OSError:
            pass
        return out.decode("utf-8", "replace")

    def pcs(self):
        """[pc of hart 0, pc of hart 1, ...] from `info registers -a`."""
        return [int(m, 16) for m in re.findall(r"^ pc +([0-9a-f]+)", self.ask("info registers -a"), re.M)]

    def symbol(self, pcs):
        """Kernel pcs as function names (from the ELF beside the kernel); others 'user'."""
        if not self.elf.exists():
            return ["?" for _ in pcs]
        base, symbols = guest.kernel_base(self.elf), guest.Symbols([self.elf])
        return [symbols.lookup(pc, "kernel") if pc >= base else "user" for pc in pcs]

    def where(self):
        """One line per hart: its pc and function in each of SAMPLES samples."""
        samples = []
        for i in range(self.SAMPLES):
            if i:
                time.sleep(self.GAP_S)
            samples.append(self.pcs())
        if not samples[0]:
            return ["the QEMU monitor did not answer"]
        lines = []
        for hart in range(len(samples[0])):
            pcs = [s[hart] for s in samples if hart < len(s)]
            lines.append(f"hart {hart}: " + "  ".join(f"{pc:x} {name}" for pc, name
                                                      in zip(pcs, self.symbol(pcs))))
        return lines

#!/usr/bin/env python3
"""Shared QEMU command builder for migrant.

Every script that boots the kernel (test runner, benchmarks, `make run`)
builds its command line here, so they all boot the same machine.

Run directly to boot one kernel interactively:
    python3 tools/qemu.py --kernel K --initrd I [--harts N] [--append "..."]
"""

import argparse
import os
import shlex
import sys

# The firmware Debian/Ubuntu's opensbi package installs; fw_dynamic takes the
# kernel address from QEMU, so the same image works for any -kernel.
DEFAULT_FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
DEFAULT_MEM = "256M"


def qemu_binary():
    """The QEMU executable; MIGRANT_QEMU lets tests of the harness use a fake."""
    return os.environ.get("MIGRANT_QEMU", "qemu-system-riscv64")


def test_cmdline(test, harts):
    """Kernel command line that makes the test init spawn /<test>."""
    return f"test={test} harts={harts}"


def build_command(kernel, initrd, cmdline, harts=1, mem=DEFAULT_MEM,
                  firmware=DEFAULT_FIRMWARE, extra=()):
    """Return the argv list for one QEMU boot.

    extra: additional QEMU arguments (a list, or a string split like a shell).
    """
    if isinstance(extra, str):
        extra = shlex.split(extra)
    extra = list(extra)
    cmd = [
        qemu_binary(),
        "-machine", "virt",
        "-cpu", "rv64",
        "-smp", str(harts),
        "-m", mem,
        "-nographic",
        "-monitor", "none",
        "-serial", "stdio",
        "-bios", firmware,
        "-kernel", kernel,
        "-initrd", initrd,
        "-append", cmdline,
    ]
    # Multi-threaded TCG gives each hart its own host thread, so SMP races are
    # real. Skip it when the caller picks the accelerator, and with -icount,
    # which QEMU only supports on single-threaded TCG.
    if harts > 1 and "-accel" not in extra and "-icount" not in extra:
        cmd += ["-accel", "tcg,thread=multi"]
    return cmd + extra


def main(argv=None):
    ap = argparse.ArgumentParser(description="Boot migrant in QEMU.")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--harts", type=int, default=1)
    ap.add_argument("--mem", default=DEFAULT_MEM)
    ap.add_argument("--firmware", default=DEFAULT_FIRMWARE)
    ap.add_argument("--append", default=None,
                    help="kernel command line (default: harts=<N>)")
    ap.add_argument("--extra-qemu", default="", help="extra QEMU arguments")
    ap.add_argument("--print", action="store_true",
                    help="print the command instead of running it")
    args = ap.parse_args(argv)
    cmdline = args.append if args.append is not None else f"harts={args.harts}"
    cmd = build_command(args.kernel, args.initrd, cmdline, args.harts,
                        args.mem, args.firmware, args.extra_qemu)
    if args.print:
        print(shlex.join(cmd))
        return 0
    # exec so the terminal (Ctrl-A X etc.) talks to QEMU directly.
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())

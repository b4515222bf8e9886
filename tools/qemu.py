#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Shared QEMU command builder for migrant.

Every script that boots the kernel (test runner, benchmarks, `make run`)
builds its command line here, so they all boot the same machine.

Run directly to boot one kernel interactively:
    python3 tools/qemu.py --kernel K --initrd I [--harts N] [--append "..."]
With --uboot build/uboot/boot.scr it boots the way a board does instead:
OpenSBI starts U-Boot, which finds boot.scr on a disk and boots the kernel
and initrd from there with booti (see make_boot_disk).
"""

import argparse
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys

# The firmware Debian/Ubuntu's opensbi package installs; fw_dynamic takes the
# kernel address from QEMU, so the same image works for any -kernel.
DEFAULT_FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
DEFAULT_MEM = "256M"
# Debian's u-boot-qemu: U-Boot for the virt board, entered in S-mode by OpenSBI.
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"


# The QEMU machines migrant boots on. harts counts migrant's harts: sifive_u
# adds hart 0, the E51 monitor core (no S-mode, no MMU), which the kernel
# skips as it skips a board's monitor core, so --harts 4 is -smp 5 there.
# sifive_u's tree describes a gpio-restart and no power-off, so the kernel
# ends a run by a reset (src/arch/riscv/sbi.c), which -no-reboot turns into
# QEMU exiting, always with status 0: the run's status is only in the
# kernel's MIGRANT-END line (status_from_console).
MACHINES = {
    "virt": {"qemu": ["-machine", "virt", "-cpu", "rv64"], "monitor_harts": 0,
             "max_harts": 512, "status_from_console": False},
    "sifive_u": {"qemu": ["-machine", "sifive_u", "-no-reboot"], "monitor_harts": 1,
                 "max_harts": 4, "status_from_console": True},
}
DEFAULT_MACHINE = "virt"
END_RE = re.compile(r"^MIGRANT-END status=(-?\d+)")


def qemu_binary():
    """The QEMU executable; MIGRANT_QEMU lets tests of the harness use a fake."""
    return os.environ.get("MIGRANT_QEMU", "qemu-system-riscv64")


def cross_tool(name):
    """The riscv binutils tool `name` (nm, addr2line), whichever cross prefix is installed."""
    for prefix in ("riscv64-unknown-elf-", "riscv64-linux-gnu-"):
        if shutil.which(prefix + name):
            return prefix + name
    return name


def test_cmdline(test, harts):
    """Kernel command line that makes the test init spawn /<test>."""
    return f"test={test} harts={harts}"


# The boot disk: an MBR with one FAT32 partition from 1 MiB on, as on a
# board's SD card, so U-Boot's distro boot scans it like any other disk.
# FAT32 needs at least 65525 clusters: 64 MiB of 512-byte ones. The image
# is sparse, so the unused part costs nothing.
DISK_PART_START = 1 << 20
DISK_PART_MIN = 64 << 20


def make_boot_disk(path, kernel, initrd, cmdline, script):
    """Write a disk image holding what boot.scr (tools/boot.cmd) loads.

    The partition is formatted and filled by mtools, which work on the image
    file at an offset, so no loop device or root is needed.
    """
    files = {"boot.scr": script, "migrant.bin": kernel, "initrd.cpio": initrd}
    env = f"{path}.env"
    with open(env, "w") as f:
        f.write(f"bootargs={cmdline}\n")
    files["migrant.env"] = env
    data = sum(os.path.getsize(p) for p in files.values())
    # Twice the files leaves room for the FATs and clusters' slack.
    part_bytes = max(DISK_PART_MIN, ((2 * data + (1 << 20) - 1) >> 20) << 20)
    with open(path, "wb") as f:
        f.truncate(DISK_PART_START + part_bytes)
    image = f"{path}@@{DISK_PART_START}"
    subprocess.run(["mformat", "-i", image, "-F", "-T", str(part_bytes // 512),
                    "-H", str(DISK_PART_START // 512), "-h", "64", "-s", "32",
                    "-v", "MIGRANT", "::"], check=True)
    for name, src in files.items():
        subprocess.run(["mcopy", "-i", image, src, f"::/{name}"], check=True)
    os.remove(env)
    # One primary partition: bootable, type 0x0c (FAT32, LBA addressed); the
    # CHS fields hold the "use LBA" marker. U-Boot reads only LBA and size.
    entry = struct.pack("<B3sB3sII", 0x80, b"\xfe\xff\xff", 0x0c, b"\xfe\xff\xff",
                        DISK_PART_START // 512, part_bytes // 512)
    with open(path, "r+b") as f:
        f.seek(446)
        f.write(entry + bytes(48) + b"\x55\xaa")


def build_command(kernel, initrd, cmdline, harts=1, mem=DEFAULT_MEM,
                  firmware=DEFAULT_FIRMWARE, extra=(), boot_disk=None,
                  machine=DEFAULT_MACHINE):
    """Return the argv list for one QEMU boot.

    harts: migrant's harts; the machine's monitor cores come on top (MACHINES).

    extra: additional QEMU arguments (a list, or a string split like a shell).
    boot_disk: boot through U-Boot from this image (make_boot_disk), which
    already holds the kernel, initrd and command line, instead of handing
    them to QEMU.
    """
    if machine not in MACHINES:
        raise ValueError(f"unknown machine {machine!r}: want one of {', '.join(MACHINES)}")
    m = MACHINES[machine]
    if not 1 <= harts <= m["max_harts"]:
        raise ValueError(f"{machine} has 1 to {m['max_harts']} harts for migrant, not {harts}")
    if boot_disk and machine != "virt":
        raise ValueError("the U-Boot path boots Debian's U-Boot for virt only")
    if isinstance(extra, str):
        extra = shlex.split(extra)
    extra = list(extra)
    if boot_disk:
        payload = ["-kernel", UBOOT,
                   "-drive", f"file={boot_disk},format=raw,if=none,id=boot",
                   "-device", "virtio-blk-device,drive=boot"]
    else:
        payload = ["-kernel", kernel, "-initrd", initrd, "-append", cmdline]
    cmd = [
        qemu_binary(),
    ] + m["qemu"] + [
        "-smp", str(harts + m["monitor_harts"]),
        "-m", mem,
        "-nographic",
        "-monitor", "none",
        "-serial", "stdio",
        "-bios", firmware,
    ] + payload
    # Multi-threaded TCG gives each hart its own host thread, so SMP races are
    # real. Skip it when the caller picks the accelerator, and with -icount,
    # which QEMU only supports on single-threaded TCG.
    if harts > 1 and "-accel" not in extra and "-icount" not in extra:
        cmd += ["-accel", "tcg,thread=multi"]
    # Named vCPU threads (`CPU <n>/TCG`) let tools/hostclock.py read each
    # hart's own time on the host.
    if "-name" not in extra:
        cmd += ["-name", "migrant,debug-threads=on"]
    return cmd + extra


def main(argv=None):
    ap = argparse.ArgumentParser(description="Boot migrant in QEMU.")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--harts", type=int, default=1)
    ap.add_argument("--machine", default=DEFAULT_MACHINE, choices=sorted(MACHINES))
    ap.add_argument("--mem", default=DEFAULT_MEM)
    ap.add_argument("--firmware", default=DEFAULT_FIRMWARE)
    ap.add_argument("--append", default=None,
                    help="kernel command line (default: harts=<N>)")
    ap.add_argument("--extra-qemu", default="", help="extra QEMU arguments")
    ap.add_argument("--uboot", metavar="BOOT_SCR",
                    help="boot through U-Boot with this compiled boot script")
    ap.add_argument("--disk", help="with --uboot: where to write the boot disk "
                    "(default: disk.img beside the boot script)")
    ap.add_argument("--print", action="store_true",
                    help="print the command instead of running it")
    args = ap.parse_args(argv)
    cmdline = args.append if args.append is not None else f"harts={args.harts}"
    disk = None
    if args.uboot:
        disk = args.disk or os.path.join(os.path.dirname(args.uboot), "disk.img")
        make_boot_disk(disk, args.kernel, args.initrd, cmdline, args.uboot)
    try:
        cmd = build_command(args.kernel, args.initrd, cmdline, args.harts,
                            args.mem, args.firmware, args.extra_qemu, disk, args.machine)
    except ValueError as e:
        ap.error(str(e))
    if args.print:
        print(shlex.join(cmd))
        return 0
    if MACHINES[args.machine]["status_from_console"]:
        return run_status_from_console(cmd)
    # exec so the terminal (Ctrl-A X etc.) talks to QEMU directly.
    os.execvp(cmd[0], cmd)


def run_status_from_console(cmd):
    """Run QEMU, passing its console through, and return the status of the
    kernel's MIGRANT-END line: 1 without one (a panic, or QEMU stopped by
    hand), and QEMU's own status if that is non-zero."""
    status = None
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    for raw in proc.stdout:
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        m = END_RE.match(raw.decode("utf-8", "replace").replace("\r", ""))
        if m:
            status = int(m.group(1))
    rc = proc.wait()
    if rc != 0:
        return rc
    return 1 if status is None else (status if 0 <= status < 256 else 1)


if __name__ == "__main__":
    sys.exit(main())

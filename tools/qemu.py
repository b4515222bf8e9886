#!/usr/bin/env python3
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
                  firmware=DEFAULT_FIRMWARE, extra=(), boot_disk=None):
    """Return the argv list for one QEMU boot.

    extra: additional QEMU arguments (a list, or a string split like a shell).
    boot_disk: boot through U-Boot from this image (make_boot_disk), which
    already holds the kernel, initrd and command line, instead of handing
    them to QEMU.
    """
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
        "-machine", "virt",
        "-cpu", "rv64",
        "-smp", str(harts),
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
    cmd = build_command(args.kernel, args.initrd, cmdline, args.harts,
                        args.mem, args.firmware, args.extra_qemu, disk)
    if args.print:
        print(shlex.join(cmd))
        return 0
    # exec so the terminal (Ctrl-A X etc.) talks to QEMU directly.
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())

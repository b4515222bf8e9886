#!/usr/bin/env python3
"""Guest instructions per function, from a QEMU `-d in_asm,exec,nochain` log.

Each translated block's size comes from its in_asm listing; each `Trace`
line is one execution of the block at that guest pc. Summing block sizes
per symbol (from the ELF files given, via nm) gives where the instructions
went. Give two logs (--base) to subtract a shorter run of the same program,
which leaves the cost of the extra iterations alone.

Usage: iprofile.py LOG [--base LOG] [--per N] --elf kernel.elf --elf prog.elf ...
"""
import argparse
import bisect
import collections
import re
import subprocess
import sys

IN_RE = re.compile(r"^(0x[0-9a-f]+):\s")
TRACE_RE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


def symbols(elfs, nm):
    table = []
    for elf in elfs:
        out = subprocess.run([nm, "-n", elf], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                table.append((int(parts[0], 16), parts[2]))
    table.sort()
    return [a for a, _ in table], [n for _, n in table]


def block_sizes(path):
    """pc of each translated block -> instruction count (last translation wins)."""
    sizes, start, count = {}, None, 0
    with open(path, errors="replace") as f:
        for line in f:
            m = IN_RE.match(line)
            if m:
                if start is None:
                    start, count = int(m.group(1), 16), 0
                count += 1
            elif start is not None and not line.strip():
                sizes[start] = count
                start = None
    return sizes


def profile(path, addrs, names):
    sizes = block_sizes(path)
    per = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            i = bisect.bisect_right(addrs, pc) - 1
            name = names[i] if i >= 0 else "?"
            per[name] += sizes.get(pc, 0)
    return per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--base")
    ap.add_argument("--per", type=int, default=1, help="divide by this many iterations")
    ap.add_argument("--elf", action="append", required=True)
    ap.add_argument("--nm", default="riscv64-unknown-elf-nm")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    addrs, names = symbols(args.elf, args.nm)
    per = profile(args.log, addrs, names)
    if args.base:
        per.subtract(profile(args.base, addrs, names))
    total = sum(per.values())
    print(f"{total / args.per:10.1f}  TOTAL")
    for name, n in per.most_common(args.top):
        if n:
            print(f"{n / args.per:10.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

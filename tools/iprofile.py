#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Guest instructions per function, from a QEMU `-d in_asm,exec,nochain` log.

Each translated block's size comes from its in_asm listing; each `Trace`
line is one execution of the block at that guest pc. Summing block sizes
per symbol (from the ELF files given, via nm) gives where the instructions
went. Give two logs (--base) to subtract a shorter run of the same program,
which leaves the cost of the extra iterations alone.

Usage: iprofile.py LOG [--base LOG] [--per N] --elf kernel.elf --elf prog.elf ...
"""
import argparse
import collections
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import guest  # noqa: E402

IN_RE = re.compile(r"^(0x[0-9a-f]+):\s")
TRACE_RE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


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


def profile(path, symbols):
    sizes = block_sizes(path)
    per = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            per[symbols.lookup(pc, "?")] += sizes.get(pc, 0)
    return per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--base")
    ap.add_argument("--per", type=int, default=1, help="divide by this many iterations")
    ap.add_argument("--elf", action="append", required=True)
    ap.add_argument("--nm", default=None, help="default: the cross toolchain's nm")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    symbols = guest.Symbols(args.elf, args.nm)
    per = profile(args.log, symbols)
    if args.base:
        per.subtract(profile(args.base, symbols))
    total = sum(per.values())
    print(f"{total / args.per:10.1f}  TOTAL")
    for name, n in per.most_common(args.top):
        if n:
            print(f"{n / args.per:10.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

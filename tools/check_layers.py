#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks the layering rule of docs/layers.md on the source tree.

Every #include is resolved the way the Makefile's -I flags resolve it,
and each file may include only its own layer and those below. A few
named exceptions are part of the rule and listed here with their reason.
Prints one line per rule and closes with "<P> passed, <F> failed".
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Lowest first. A path maps to the first prefix that matches it.
LAYERS = [
    ("abi", ["include/migrant/"]),
    ("lib", ["lib/"]),
    ("arch", ["src/arch/riscv/arch/", "src/base/config.h"]),
    # The hooks headers only: the profiler's and tracer's code sits with the syscall boundary.
    ("base", ["src/base/", "src/dev/", "src/sync/", "src/debug/profile.h", "src/debug/trace.h"]),
    ("mm", ["src/mm/"]),
    ("core", ["src/core/"]),
    ("ipc", ["src/ipc/"]),
    ("sys", ["src/sys/", "src/debug/"]),
    ("boot", ["src/boot/"]),
]
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}

# The kernel's -I order (Makefile KCFLAGS), then user space's.
KERNEL_DIRS = ["include", "src", "src/arch/riscv", "lib/include", "lib/libc"]
USER_DIRS = ["include", "lib/include", "lib/libc", "user/include"]
USER_TREES = ("user/", "tests/", "bench/", "stress/")
# Host unit tests compile kernel sources on purpose.
HOST_TESTS = "tests/host/"

# Arch code implements the machine for the layers above: it may use the
# base services, locks and the page allocator, and calls up only through
# the one entry header.
ARCH_IMPL_MAX = RANK["mm"]
ARCH_UP = {"src/sys/entry.h"}
# Compiled to assembly only, never linked: it turns the structs of every
# layer that trap.S reads into offsets (asm-offsets.h), so it sees them all.
OFFSETS_GEN = "src/arch/riscv/asm-offsets.c"

# The register frame's users below the syscall boundary, and why.
FRAME_USERS = {
    "src/core/thread.h": "struct thread embeds the contexts a notification interrupted",
    "src/core/thread.c": "a new thread's first frame (tf_init_user)",
    "src/core/notify.c": "forcing a migration into a handler saves and replaces the context",
    "src/ipc/migrate.c": "the migration fast path",
    "src/debug/profile.c": "a tick samples the interrupted pc",
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def layer_of(path):
    for name, prefixes in LAYERS:
        if any(path.startswith(p) or path == p for p in prefixes):
            return name
    return None


def resolve(src, quote, name, dirs):
    if quote == '"':
        cand = os.path.normpath(os.path.join(os.path.dirname(src), name))
        if os.path.isfile(os.path.join(TOP, cand)):
            return cand
    for d in dirs:
        cand = os.path.normpath(os.path.join(d, name))
        if os.path.isfile(os.path.join(TOP, cand)):
            return cand
    return None          # the compiler's own headers, or Concurrency Kit's


def sources(*trees):
    for tree in trees:
        for root, _, files in os.walk(os.path.join(TOP, tree)):
            for f in sorted(files):
                if f.endswith((".c", ".h", ".S")):
                    yield os.path.relpath(os.path.join(root, f), TOP)


def includes(path, dirs):
    text = open(os.path.join(TOP, path)).read()
    for quote, name in INCLUDE.findall(text):
        yield name, resolve(path, quote, name, dirs)


def check_layers():
    bad = []
    for path in sources("src", "lib"):
        mine = layer_of(path)
        impl = path.startswith("src/arch/riscv/") and not path.startswith("src/arch/riscv/arch/")
        for name, target in includes(path, KERNEL_DIRS):
            if target is None or target == path:
                continue
            theirs = layer_of(target)
            if theirs is None:
                bad.append(f"{path}: includes {target}, which is in no layer")
            elif impl:
                if RANK[theirs] > ARCH_IMPL_MAX and path != OFFSETS_GEN and target not in ARCH_UP:
                    bad.append(f"{path}: arch code includes {target} ({theirs}); only sys/entry.h is above mm")
            elif RANK[theirs] > RANK[mine]:
                bad.append(f"{path} ({mine}) includes {target} ({theirs}), a higher layer")
    return "each file includes only its own layer and those below", bad


def check_user():
    bad = []
    for path in sources(*USER_TREES):
        if path.startswith(HOST_TESTS):
            continue
        for name, target in includes(path, USER_DIRS):
            if target and target.startswith("src/"):
                bad.append(f"{path}: user code includes the kernel's {target}")
    return "user programs include nothing from src/", bad


def check_frame():
    bad = []
    for path in sources("src"):
        if path.startswith(("src/arch/", "src/sys/")) or path in FRAME_USERS:
            continue
        for name, target in includes(path, KERNEL_DIRS):
            if target == "src/arch/riscv/arch/trapframe.h":
                bad.append(f"{path}: includes the trap frame below the syscall boundary")
    return "below src/sys/ only the listed users include arch/trapframe.h", bad


def grep(pattern, allowed, what):
    bad = []
    rx = re.compile(pattern)
    for path in sources("src"):
        if path.startswith(allowed):
            continue
        for n, line in enumerate(open(os.path.join(TOP, path)), 1):
            if rx.search(line):
                bad.append(f"{path}:{n}: {line.strip()}")
    return what, bad


def main():
    checks = [
        check_layers(),
        check_user(),
        check_frame(),
        grep(r"\bTF_(ARG|SYSNO)\b", ("src/sys/", "src/ipc/migrate.c", "src/arch/riscv/arch/trapframe.h"),
             "syscall registers are decoded only in src/sys/ and the fast path"),
        grep(r"regs\[", ("src/arch/",), "register numbers appear only in arch code"),
        grep(r"#\s*include\s*<arch/csr\.h>", ("src/arch/",), "only arch code includes arch/csr.h"),
        grep(r"\bkernel_exit\(\)", ("src/sync/bkl", "src/sync/kernel.h"),
             "the big lock is released only in kernel_depart"),
    ]
    failed = 0
    for what, bad in checks:
        if bad:
            failed += 1
            print(f"FAIL layers: {what}")
            for b in bad:
                print(f"    | {b}")
        else:
            print(f"PASS layers: {what}")
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

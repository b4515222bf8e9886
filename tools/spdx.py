#!/usr/bin/env python3
"""Puts the SPDX licence line at the top of every source file that lacks
one, in the comment syntax of its kind; with --check, only lists the files
that lack it and fails if there are any (make check runs that)."""
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ID = "SPDX-License-Identifier: BSD-2-Clause"
C_STYLE = (".c", ".h", ".S", ".ld", ".dts", ".dtsi")
HASH_STYLE = (".py", ".sh", ".cmd", ".list")
HASH_NAMES = ("Makefile", ".ci/run")


def style(path):
    if path.endswith(C_STYLE):
        return "/* %s */\n" % ID
    if path.endswith(HASH_STYLE) or path in HASH_NAMES:
        return "# %s\n" % ID
    return None


def sources():
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=TOP, capture_output=True, text=True, check=True).stdout
    return [p for p in out.split() if style(p) and os.path.isfile(os.path.join(TOP, p))]


def main():
    check = "--check" in sys.argv[1:]
    missing = []
    for path in sources():
        full = os.path.join(TOP, path)
        text = open(full).read()
        if "SPDX-License-Identifier:" in text[:400]:
            continue
        missing.append(path)
        if check:
            continue
        line = style(path)
        if text.startswith("#!"):
            first, _, rest = text.partition("\n")
            text = first + "\n" + line + rest
        else:
            text = line + text
        open(full, "w").write(text)
    if check:
        for p in missing:
            print(f"FAIL spdx: {p} has no SPDX-License-Identifier line")
        print(f"{0 if missing else 1} passed, {1 if missing else 0} failed")
        return 1 if missing else 0
    print(f"spdx: added the line to {len(missing)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())

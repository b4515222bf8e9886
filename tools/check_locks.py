#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks that the lock classes are told the same way everywhere.

The one definition is src/sync/lockclass.h (LOCK_CLASS(id, "name", rank,
"protects") rows). docs/locking.md has the same classes in its table under
"## Every lock" (columns: rank, class, ...), and a lock's declaration
comment in src/ says "class <name>, rank <n>". Every class must appear in
both tables with the same rank, and every declaration comment must name a
class with its rank. Prints one PASS or FAIL line per class and per
comment, then "<P> passed, <F> failed"; exits 1 if anything failed.

Usage: check_locks.py [--root DIR]
"""
import argparse
import re
import sys
from pathlib import Path

TABLE = "src/sync/lockclass.h"
DOC = "docs/locking.md"

ROW_RE = re.compile(r'^LOCK_CLASS\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\d+)\s*,\s*"[^"]*"\s*\)\s*$')
DOC_ROW_RE = re.compile(r'^\|\s*(\d+)\s*\|\s*`([^`]+)`\s*\|')
COMMENT_RE = re.compile(r'\bclass ([^,*/]+?), rank (\d+)\b')


def parse_table(path):
    """{name: rank} from the LOCK_CLASS rows, and any complaints about them."""
    classes, problems = {}, []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.startswith("LOCK_CLASS("):
            continue
        m = ROW_RE.match(line)
        if not m:
            problems.append(f"{path}:{n}: cannot parse this LOCK_CLASS row")
            continue
        _, name, rank = m.groups()
        if name in classes:
            problems.append(f"{path}:{n}: class '{name}' defined twice")
        classes[name] = int(rank)
    return classes, problems


def parse_doc(path):
    """{name: rank} from the table under "## Every lock", and complaints."""
    classes, problems = {}, []
    lines = path.read_text().splitlines()
    try:
        start = lines.index("## Every lock")
    except ValueError:
        return classes, [f"{path}: no '## Every lock' section"]
    header = None
    for n, line in enumerate(lines[start + 1:], start + 2):
        if line.startswith("## "):
            break
        if header is None:
            if line.startswith("|"):
                cells = [c.strip() for c in line.strip("|").split("|")]
                if cells[:2] != ["rank", "class"]:
                    return classes, [f"{path}:{n}: the table's first columns must be 'rank | class'"]
                header = n
            continue
        if not line.startswith("|"):
            break
        if re.match(r'^\|[\s|:-]+\|$', line):
            continue
        m = DOC_ROW_RE.match(line)
        if not m:
            problems.append(f"{path}:{n}: cannot parse this row (want | rank | `class` | ...)")
            continue
        rank, name = m.groups()
        if name in classes:
            problems.append(f"{path}:{n}: class '{name}' listed twice")
        classes[name] = int(rank)
    if header is None:
        problems.append(f"{path}: no table under '## Every lock'")
    return classes, problems


def declaration_comments(root):
    """(place, name, rank) for every "class X, rank N" in src/, the table itself aside."""
    for path in sorted(root.glob("src/**/*.[ch]")):
        rel = path.relative_to(root)
        if str(rel) == TABLE:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            for m in COMMENT_RE.finditer(line):
                yield f"{rel}:{n}", m.group(1), int(m.group(2))


def main():
    ap = argparse.ArgumentParser(description="Compare the lock-class table with docs/locking.md.")
    ap.add_argument("--root", default=Path(__file__).resolve().parent.parent, type=Path)
    root = ap.parse_args().root
    table, problems = parse_table(root / TABLE)
    doc, doc_problems = parse_doc(root / DOC)
    problems += doc_problems
    passed = failed = 0

    for p in problems:
        print(f"FAIL {p}")
        failed += 1
    for name in list(table) + [n for n in doc if n not in table]:
        if name not in doc:
            print(f"FAIL class '{name}': rank {table[name]} in {TABLE}, missing from {DOC}")
        elif name not in table:
            print(f"FAIL class '{name}': rank {doc[name]} in {DOC}, missing from {TABLE}")
        elif table[name] != doc[name]:
            print(f"FAIL class '{name}': rank {table[name]} in {TABLE} but {doc[name]} in {DOC}")
        else:
            print(f"PASS class '{name}' (rank {table[name]})")
            passed += 1
            continue
        failed += 1
    for place, name, rank in declaration_comments(root):
        if name not in table:
            print(f"FAIL {place}: comment names class '{name}', which {TABLE} does not define")
        elif table[name] != rank:
            print(f"FAIL {place}: comment says class '{name}' has rank {rank}, {TABLE} says {table[name]}")
        else:
            print(f"PASS {place}: class '{name}', rank {rank}")
            passed += 1
            continue
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

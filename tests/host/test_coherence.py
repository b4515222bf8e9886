# SPDX-License-Identifier: BSD-2-Clause
"""tools/coherence.py's attribution on a made-up kernel layout: a line in the
image names its data symbol (and the smaller ones sharing it), a tagged page
its slab cache, a line user code moved is user, the rest heap; sites name
their function; the split and the hottest line reach the CSV row."""

import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import coherence  # noqa: E402

BASE = 0xffffffff80000000
PHYS = 0x80200000
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    failures += not cond


layout = coherence.Layout(
    data=[(BASE + 0x20000, 0x1000, "harts"), (BASE + 0x21040, 8, "global_epoch"),
          (BASE + 0x21048, 4, "ticks"), (BASE + 0x30000, 0x40, "proc_cache")],
    text=[(BASE + 0x1000, 0x80, "kernel_enter"), (BASE + 0x2000, 0x100, "epoch_poll"),
          (BASE + 0x3000, 0x100, "slab_alloc"), (BASE + 0x4000, 0x40, "entry_interrupt")],
    base=BASE, end=BASE + 0x40000, phys=PHYS)

check(layout.line_symbol(PHYS + 0x20080, 0, False) == "harts+0x80", "a line inside a symbol")
check(layout.line_symbol(PHYS + 0x21040, 0, False) == "global_epoch+0x0 (line also ticks)",
      "symbols that share a line are all named")
check(layout.line_symbol(0x87654040, PHYS + 0x3000c, False)
      == "heap: proc_cache page+0x40", "a slab page names the cache its tag points into")
check(layout.line_symbol(0x87654040, 0, True) == "user", "a line user code moved is user")
check(layout.line_symbol(0x87654040, 0, False) == "heap page+0x40", "an untagged page is heap")
check(layout.site(BASE + 0x2010) == "epoch_poll+0x10", "a kernel site is function+offset")
check(layout.site(0x10234) == "user", "a user pc is user")
check(layout.site(0x8000494e) == "firmware" and layout.line_symbol(0x80047080, 0, False)
      == "firmware", "OpenSBI's pcs and lines, below the kernel, are firmware")
check(layout.plugin_args() == [f"tick=0x{BASE + 0x4000:x}-0x{BASE + 0x4040:x}",
                               f"slab=0x{BASE + 0x3000:x}-0x{BASE + 0x3100:x}"],
      "the plugin gets the tick entries present and slab code's range")

REPORT = f"""coherence harts=2 active=2 line_bytes=64 gap=32
total ops=4000 accesses=400000 stores=1 transfers=9 invalidations=1 mmio=0 bound_per_op=0.0030 observed_per_op=0.0022
split op_bound_per_op=0.0010 tick_bound_per_op=0.0020 op_lines=1 tick_lines=2
lines addr bound_per_op share transfers accesses stores invalidations touchers writers tick_accesses tick_transfers path slab_tag
sites pc reads writes tick offset
line 0x{PHYS + 0x21040:x} 0.0020 0.667 6 40 2 2 2 2 40 6 tick 0x0
site 0x{BASE + 0x2010:x} 5 0 5 8
site 0x{BASE + 0x2020:x} 0 1 1 8
line 0x87654040 0.0010 0.333 3 12 3 3 2 2 0 0 op 0x{PHYS + 0x3000c:x}
site 0x{BASE + 0x3004:x} 2 1 0 0
"""
text = coherence.attribute(REPORT, layout)
rows = text.splitlines()
check(rows[5].endswith(" tick 0x0 ticks+0x0 (line also global_epoch)"),
      "a line row is named by its hottest site's field")
check(rows[6].endswith(" 5 0 5 8 epoch_poll+0x10"), "a site row gets its function")
check(rows[8].endswith(" heap: proc_cache page+0x40"), "a tagged line row names its cache")
check(coherence.attribute(text, layout) == text, "attributing twice changes nothing")
row = coherence.parse_report(text)
check(row["op_bound_per_op"] == 0.001 and row["tick_bound_per_op"] == 0.002, "the split is read")
check(row["hottest_symbol"] == "ticks+0x0 (line also global_epoch)", "the hottest line's symbol")
check(coherence.line_bounds(text) == {PHYS + 0x21040: 0.002, 0x87654040: 0.001},
      "line_bounds still reads the attributed rows")
sys.exit(1 if failures else 0)

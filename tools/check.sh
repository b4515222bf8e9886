#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make check`: every stage runs even if an earlier one failed, and the
# last line sums them all as "<P> passed, <F> failed". Exit status is 0
# only if nothing failed and the harness self-check caught its broken tests.
set -uo pipefail
cd "$(dirname "$0")/.."

jobs=${JOBS:-2}
passed=0
failed=0
broken=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Adds a runner's closing "P passed, F failed" line to the totals.
count() {
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "check: stage '$1' printed no result line" >&2
        failed=$((failed + 1))
        return
    fi
    passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
    failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
}

# Runs one stage into $log and says how long it took, so the slow ones show.
stage() {
    local name=$1 start=$SECONDS
    shift
    echo "== $name"
    "$@" 2>&1 | tee "$log"
    echo "== $name: $((SECONDS - start)) s"
}

# Runs make once per argument (each several make arguments), one result each.
make_each() {
    local p=0 f=0 run
    for run in "$@"; do
        # shellcheck disable=SC2086  # $run is several make arguments
        if make --no-print-directory $run; then
            p=$((p + 1))
        else
            f=$((f + 1))
        fi
    done
    echo "$p passed, $f failed"
}

suite() {
    local locking=$1 lockdebug=$2 label=$1
    [ "$lockdebug" = 1 ] && label="$1+lockdebug"
    local dir=build/$1$([ "$lockdebug" = 1 ] && echo -lockdebug)
    if ! make --no-print-directory LOCKING="$locking" LOCKDEBUG="$lockdebug" all >"$log" 2>&1; then
        cat "$log"
        echo "FAIL build (locking=$label)"
        failed=$((failed + 1))
        return
    fi
    # 240 s per run: the bkl build's widest runs take a minute or two on a
    # 2-core host even alone (runtest.py runs them alone); a hang still fails.
    stage "tests, locking=$label" python3 tools/runtest.py --kernel "$dir/migrant.bin" \
        --initrd build/user/test.cpio --locking "$label" --jobs "$jobs" --timeout 240
    count "tests $label"
}

stage "host unit tests" make --no-print-directory host-test
count "host unit tests"

# The layering rule of docs/layers.md, one result per rule.
stage "layering" python3 tools/check_layers.py
count "layering"

# Every source file carries the licence's SPDX line (LICENSE).
stage "licence lines" python3 tools/spdx.py --check
count "licence lines"

# src/sync/lockclass.h, docs/locking.md's table and the declaration
# comments must name the same lock classes with the same ranks.
stage "lock classes" python3 tools/check_locks.py
count "lock classes"

# The profiler is built only by `make profile`; building it here keeps
# PROFILE=1 from rotting in either lock build.
stage "PROFILE=1 builds" make_each "LOCKING=fine PROFILE=1 kernel" "LOCKING=bkl PROFILE=1 kernel"
count "PROFILE=1 builds"

# The tracer (make trace): short traced runs whose JSON must nest, pair
# every begin with its end and hold one migration slice per call made.
stage "trace" make --no-print-directory trace-check
count "trace"

make --no-print-directory all >/dev/null 2>&1
stage "harness self-check" python3 tools/runtest.py --kernel build/fine/migrant.bin \
    --initrd build/user/test.cpio --locking fine --selfcheck
grep -q '^harness self-check: ok$' "$log" || broken=1

# The kernel's mappings (docs/boot.md): a WXTEST=1 kernel's store to its own
# text and its jump into the direct map must each panic with their message.
stage "W^X mappings" make --no-print-directory wx-check
count "W^X mappings"

suite fine 0

# One boot the way a board boots: OpenSBI, then U-Boot, which runs
# build/uboot/boot.scr from a disk image and starts the kernel with booti.
stage "boot through U-Boot, locking=fine" python3 tools/runtest.py --uboot build/uboot/boot.scr \
    --kernel build/fine/migrant.bin --initrd build/user/test.cpio --locking fine \
    --only boot --harts 2 --jobs 1 --timeout 60
count "boot through U-Boot"

# The second board model: QEMU sifive_u (the HiFive Unleashed), with a
# SiFive UART, a monitor hart 0 the kernel skips and application harts 1-4;
# --harts 4 there is -smp 5 (tools/qemu.py MACHINES, docs/hardware.md).
stage "sifive_u, locking=fine" python3 tools/runtest.py --machine sifive_u \
    --kernel build/fine/migrant.bin --initrd build/user/test.cpio --locking fine \
    --only boot,pin_harts,concurrent_same_service --harts 4 --jobs 1 --timeout 240
count "sifive_u"

suite bkl 0

# Coherence (docs/coherence.md): same-service at 2 and 4 harts in op-count
# mode under the coherence plugin; the fine build's migration path must
# move (almost) no cache line between harts, the bkl build its big lock's
# line about 4 times per round trip. Both kernels are built by now.
coherence_check() {
    if ! make --no-print-directory build/coherence/libcoherence.so; then
        echo "0 passed, 1 failed"
        return
    fi
    python3 tools/coherence.py --check --plugin build/coherence/libcoherence.so \
        --ops 2000 --warmup 200 --out build/coherence/check
}
stage "coherence" coherence_check
count "coherence"

suite fine 1
suite bkl 1

# The C specification of trap.S's migration fast path (FASTPATH=0): the
# IPC tests on it, so both paths pass the same tests.
ipc_c_path() {
    make --no-print-directory LOCKING=fine FASTPATH=0 kernel >"$log.build" 2>&1 || { cat "$log.build"; return 1; }
    python3 tools/runtest.py --kernel build/fine-nofast/migrant.bin --initrd build/user/test.cpio \
        --locking fine --jobs "$jobs" --timeout 240 --harts "1 4" \
        --only ipc_req,ipc_fwd,ipc_tail,ipc_kick,ipc_resp_pid,register_contract,ipc_dying_target,notify_timer,notify_signal,notify_tail
}
stage "tests, FASTPATH=0" ipc_c_path
count "tests FASTPATH=0"

# Every space on ASID 0 (asid_bits=0), as on a core without ASIDs, where
# the flush generations alone decide when a switch flushes (aspace_activate).
# QEMU flushes its whole TLB on every satp write, so no run here can show
# a missing flush on a switch; these runs show that the mode works: the
# shared ASID's allocation, the shootdowns through it, both paths.
asid0_runs() {
    python3 tools/runtest.py --kernel "build/$1/migrant.bin" --initrd build/user/test.cpio \
        --locking "$1+asid_bits=0" --args asid_bits=0 --log-dir "build/$1/logs-asid0" \
        --jobs "$jobs" --timeout 240 \
        --only ipc_req,ipc_tail,ipc_kick,ipc_ways,register_contract,activation_isolation,thread_spare,exec_race,fork_thread,smp_tlb_shootdown,tlb_free_after_flush,tlb_tables_deferred,smp_same_service
}
stage "tests, asid_bits=0, locking=fine" asid0_runs fine
count "tests asid_bits=0 fine"
stage "tests, asid_bits=0, locking=bkl" asid0_runs bkl
count "tests asid_bits=0 bkl"

# The fuzzer's bounded smoke (docs/stress.md): 60 s at 4 harts in each lock
# build, with fixed seeds, then 2,000 short programs at one hart in
# differential mode, where fine and bkl must give the same results, and
# then the asm fast path and its C specification.
stage "stress smoke" make_each "stress HARTS=4 SECONDS=60 LOCKING=fine SEED=1" \
    "stress HARTS=4 SECONDS=60 LOCKING=bkl SEED=2" "stress-diff SEED=3 PROGS=2000" \
    "stress-diff PAIR=fastpath SEED=3 PROGS=2000"
count "stress smoke"

echo
[ $broken = 0 ] || echo "check: the harness self-check did not catch its broken tests"
echo "$passed passed, $failed failed"
[ $failed = 0 ] && [ $broken = 0 ]

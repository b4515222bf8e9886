# SPDX-License-Identifier: BSD-2-Clause
# migrant: `make` builds, `make run` boots, `make check` tests. See README.md.

LOCKING   ?= fine
LOCKDEBUG ?= 0
PROFILE   ?= 0
TRACE     ?= 0
HARTS     ?= 4
MACHINE   ?= virt
MEM       ?= 256M
JOBS      ?= 2

# fine: per-object locks and lock-free paths; bkl: the same source under
# one big kernel lock (src/sync/bkl.h), built beside it in build/bkl/.
ifeq ($(filter $(LOCKING),fine bkl),)
$(error LOCKING must be fine or bkl)
endif

# The cross toolchain: the bare-metal one first, then Linux's.
CROSS_COMPILE ?= $(shell for p in riscv64-unknown-elf- riscv64-linux-gnu-; do \
                   command -v $${p}gcc >/dev/null 2>&1 && { echo $$p; exit; }; done; \
                   echo riscv64-unknown-elf-)
CC      := $(CROSS_COMPILE)gcc
AR      := $(CROSS_COMPILE)ar
OBJCOPY := $(CROSS_COMPILE)objcopy
HOSTCC  ?= gcc
QEMU    ?= qemu-system-riscv64
PYTHON  ?= python3

# SECONDS (make bench, make stress) counts only from the command line:
# bash keeps a variable of that name, which make would otherwise inherit.
ARG_SECONDS := $(if $(filter command line,$(origin SECONDS)),$(SECONDS))

comma := ,

# V=1 shows every command.
Q := $(if $(filter 1,$(V)),,@)

# INJECT=1 (the default for `make stress`) adds random short delays at lock
# release and at migration entry and exit (src/sync/inject.h).
ifneq ($(filter stress stress-diff,$(MAKECMDGOALS)),)
INJECT    ?= 1
endif
INJECT    ?= 0

# WXTEST=1 builds the W^X test kernel (src/arch/riscv/arch/wxtest.h), which
# `make wx-check` boots; no other build can be told to crash itself.
WXTEST    ?= 0

# FASTPATH=1 (the default) assembles trap.S's migration fast path for the
# common request and response (docs/ipc.md); FASTPATH=0 sends every
# migration through its C specification, ipc/migrate.c. The profiler and
# the tracer hook the C path, so PROFILE=1 and TRACE=1 builds have none.
FASTPATH  ?= 1

# TRACE=1 builds the event tracer (`make trace`); for stress-diff it
# means printing every call instead, and builds no tracer there.
KTRACE  := $(if $(filter stress-diff,$(MAKECMDGOALS)),0,$(TRACE))
FAST    := $(if $(filter 1,$(PROFILE) $(KTRACE)),0,$(FASTPATH))
VARIANT := $(LOCKING)$(if $(filter 1,$(LOCKDEBUG)),-lockdebug)$(if $(filter 1,$(INJECT)),-inject)$(if $(filter 1,$(PROFILE)),-profile)$(if $(filter 1,$(KTRACE)),-trace)$(if $(filter 1,$(WXTEST)),-wxtest)$(if $(filter 0,$(FASTPATH)),-nofast)
B       := build/$(VARIANT)
UB      := build/user
DEPS    := build/deps/stamp
CKDIR    = $(shell cat build/deps/ck.path 2>/dev/null)

ARCHFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
# The extension suffixes hide the rv64imac/lp64 multilib from gcc's own lookup.
LIBGCC = $(shell $(CC) -march=rv64imac -mabi=lp64 -print-libgcc-file-name)
CFLAGS_COMMON := $(ARCHFLAGS) -O2 -g -std=gnu11 -ffreestanding -fno-builtin -nostdlib \
    -fomit-frame-pointer -fno-stack-protector -fno-pie -no-pie -Wall -Wextra -Werror
KDEFS := -DLOCKING_$(LOCKING) $(if $(filter 1,$(LOCKDEBUG)),-DLOCKDEBUG) $(if $(filter 1,$(INJECT)),-DINJECT) \
    $(if $(filter 1,$(PROFILE)),-DPROFILE) $(if $(filter 1,$(KTRACE)),-DTRACE) \
    $(if $(filter 1,$(WXTEST)),-DWXTEST) $(if $(filter 1,$(FAST)),-DFASTPATH)
KCFLAGS = $(CFLAGS_COMMON) $(KDEFS) -Iinclude -Isrc -Isrc/arch/riscv -Ilib/include -Ilib/libc \
    -Isrc/sync/ck -I$(CKDIR)/include -MMD -MP
UCFLAGS := $(CFLAGS_COMMON) -Iinclude -Ilib/include -Ilib/libc -Iuser/include -MMD -MP

# asm-offsets.c is compiled to assembly only, for $(B)/gen/asm-offsets.h.
KSRC := $(filter-out src/arch/riscv/asm-offsets.c,$(shell find src -name '*.c' -o -name '*.S' | sort))
# lib/: freestanding code linked into both the kernel and user programs.
LSRC := $(wildcard lib/*.c)
KOBJ := $(patsubst src/%,$(B)/k/%.o,$(KSRC)) $(patsubst lib/%,$(B)/lib/%.o,$(LSRC)) $(B)/k/ck_epoch.o

ULIB_SRC := user/crt0.S user/start.c user/printf.c user/test.c user/memhog.c lib/fmt.c lib/string.c
ULIB_OBJ := $(patsubst %,$(UB)/lib/%.o,$(ULIB_SRC))
# bench/*.c link into one driver program, /bench; bench/svc/*.c are its services.
BENCH_SRC   := $(wildcard bench/*.c)
BENCH_SVCS  := $(basename $(notdir $(wildcard bench/svc/*.c)))
# tests/*.c are the tests; tests/svc/ the services they call, tests/progs/ the
# other programs they spawn (and tinit, the test initrd's /init). Inside the
# initrd every program is /<name>, whichever folder it comes from.
TEST_PROGS := $(filter-out tinit,$(basename $(notdir $(wildcard tests/*.c tests/svc/*.c tests/progs/*.c)))) \
    bench $(BENCH_SVCS)
# /notelf: a file spawn and exec must refuse with E_BADELF (badargs).
TEST_FILES := $(wildcard tests/files/*)
RUN_PROGS  := hello svc_calc svc_router

.PHONY: all kernel run run-uboot check debug deps clean host-test selfcheck test-fine test-bkl bench profile \
    trace trace-check stress stress-diff coherence wx-check
all: kernel $(UB)/test.cpio $(UB)/run.cpio build/uboot/boot.scr
kernel: $(B)/migrant.elf $(B)/migrant.bin

deps: $(DEPS)
$(DEPS): tools/deps.sh
	@tools/deps.sh

# ---- kernel ----
$(B)/k/%.c.o: src/%.c $(DEPS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/lib/%.c.o: lib/%.c $(DEPS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/k/%.S.o: src/%.S $(B)/gen/asm-offsets.h $(DEPS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -I$(B)/gen -c $< -o $@

# The struct offsets trap.S and boot.S use, from the C structs: each
# `@@asm-offset NAME VALUE` line of asm-offsets.c's assembly is a #define.
$(B)/gen/asm-offsets.h: src/arch/riscv/asm-offsets.c $(DEPS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -MT $@ -S $< -o $(B)/gen/asm-offsets.s
	$(Q){ echo '/* Generated from src/arch/riscv/asm-offsets.c: do not edit. */'; \
	  echo '#ifndef ASM_OFFSETS_H'; echo '#define ASM_OFFSETS_H'; \
	  sed -n 's/^@@asm-offset \([A-Z0-9_]*\) \(-\{0,1\}[0-9][0-9]*\)$$/#define \1 \2/p' $(B)/gen/asm-offsets.s; \
	  echo '#endif'; } > $@.tmp && mv $@.tmp $@

# Concurrency Kit's epoch code, compiled from Debian's source for our target.
$(B)/k/ck_epoch.o: $(DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -c $(CKDIR)/src/ck_epoch.c -o $@

$(B)/migrant.elf: $(KOBJ) src/arch/riscv/kernel.ld
	$(Q)$(CC) $(KCFLAGS) -T src/arch/riscv/kernel.ld -o $@ $(KOBJ) $(LIBGCC)

$(B)/migrant.bin: $(B)/migrant.elf
	$(OBJCOPY) -O binary $< $@

# ---- user programs ----
$(UB)/lib/%.c.o: %.c $(DEPS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(UB)/lib/%.S.o: %.S $(DEPS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(UB)/libuser.a: $(ULIB_OBJ)
	$(AR) rcs $@ $^

$(UB)/%.elf: $(UB)/lib/tests/%.c.o $(UB)/libuser.a user/user.ld
	$(Q)$(CC) $(UCFLAGS) -T user/user.ld -o $@ $< $(UB)/libuser.a $(LIBGCC)

$(UB)/%.elf: $(UB)/lib/tests/svc/%.c.o $(UB)/libuser.a user/user.ld
	$(Q)$(CC) $(UCFLAGS) -T user/user.ld -o $@ $< $(UB)/libuser.a $(LIBGCC)

$(UB)/%.elf: $(UB)/lib/tests/progs/%.c.o $(UB)/libuser.a user/user.ld
	$(Q)$(CC) $(UCFLAGS) -T user/user.ld -o $@ $< $(UB)/libuser.a $(LIBGCC)

$(UB)/%.elf: $(UB)/lib/bench/svc/%.c.o $(UB)/libuser.a user/user.ld
	$(Q)$(CC) $(UCFLAGS) -T user/user.ld -o $@ $< $(UB)/libuser.a $(LIBGCC)

$(UB)/bench.elf: $(patsubst %,$(UB)/lib/%.o,$(BENCH_SRC)) $(UB)/libuser.a user/user.ld
	$(Q)$(CC) $(UCFLAGS) -T user/user.ld -o $@ $(filter %.o,$^) $(UB)/libuser.a $(LIBGCC)

$(UB)/%.elf: $(UB)/lib/user/%.c.o $(UB)/libuser.a user/user.ld
	$(Q)$(CC) $(UCFLAGS) -T user/user.ld -o $@ $< $(UB)/libuser.a $(LIBGCC)

# An initrd is a cpio (newc) archive; /init is the program that runs first.
# $(3) are other files, copied as they are (tests/files: not programs).
define mkcpio
	@rm -rf $@.d && mkdir -p $@.d
	@cp $(1) $@.d/init
	@for p in $(2); do cp $(UB)/$$p.elf $@.d/$$p; done
	@for f in $(3); do cp $$f $@.d/; done
	@(cd $@.d && find . -type f | sort | cpio -o -H newc --quiet) > $@
	@rm -rf $@.d
endef

$(UB)/test.cpio: $(UB)/tinit.elf $(patsubst %,$(UB)/%.elf,$(TEST_PROGS)) $(TEST_FILES)
	$(call mkcpio,$(UB)/tinit.elf,$(TEST_PROGS),$(TEST_FILES))

$(UB)/run.cpio: $(UB)/init.elf $(patsubst %,$(UB)/%.elf,$(RUN_PROGS))
	$(call mkcpio,$(UB)/init.elf,$(RUN_PROGS))

# ---- booting through U-Boot ----
# The boot script U-Boot runs from the boot disk (or a board's SD card).
build/uboot/boot.scr: tools/boot.cmd $(DEPS)
	@mkdir -p $(dir $@)
	$(Q)mkimage -q -A riscv -O linux -T script -C none -n migrant -d $< $@ >/dev/null

# ---- running ----
# MACHINE=sifive_u boots QEMU's HiFive Unleashed model instead of virt;
# HARTS counts migrant's harts, without its monitor core (docs/hardware.md).
run: all
	$(PYTHON) tools/qemu.py --machine $(MACHINE) --kernel $(B)/migrant.bin --initrd $(UB)/run.cpio \
	    --harts $(HARTS) --mem $(MEM)

# Both lock builds, every scenario at every hart count (see README "make bench").
BENCH_HARTS = $(if $(filter command line environment,$(origin HARTS)),$(HARTS),1 2 4)
bench:
	$(MAKE) --no-print-directory LOCKING=fine all
	$(MAKE) --no-print-directory LOCKING=bkl kernel
	$(PYTHON) tools/bench.py --harts "$(BENCH_HARTS)" --seconds $(or $(ARG_SECONDS),0.5) \
	    --runs $(or $(RUNS),5) --rounds $(or $(ROUNDS),1) $(if $(SCENARIOS),--scenarios $(SCENARIOS))

# The coherence plugin (tools/coherence/), a host shared object QEMU loads,
# built against the plugin API header that tools/deps.sh fetches.
COH_SO := build/coherence/libcoherence.so
$(COH_SO): tools/coherence/coherence.c $(DEPS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -O2 -g -fPIC -shared -Wall -Wextra -Werror -Ibuild/deps/qemu-plugin -o $@ $<

# Coherence transfers per op in op-count windows (see README "make coherence").
COH_HARTS = $(if $(filter command line environment,$(origin HARTS)),$(HARTS),1 2 4 8)
coherence: $(COH_SO)
	$(MAKE) --no-print-directory LOCKING=fine all
	$(MAKE) --no-print-directory LOCKING=bkl kernel
	$(PYTHON) tools/coherence.py --harts "$(COH_HARTS)" --plugin $(COH_SO) \
	    $(if $(SCENARIOS),--scenarios $(SCENARIOS)) \
	    $(if $(filter command line,$(origin LOCKING)),--builds $(LOCKING)) $(if $(OPS),--ops $(OPS)) \
	    $(if $(C2C_NS),--c2c-ns $(C2C_NS))

# One scenario under a PROFILE=1 kernel: build/profile/{locks,hotspots,pmu}.txt.
profile:
	$(MAKE) --no-print-directory LOCKING=$(LOCKING) PROFILE=1 all
	$(PYTHON) tools/profile.py --bench $(or $(BENCH),same-service) --harts $(HARTS) --locking $(LOCKING)

# One scenario (BENCH=, in op-count mode, OPS= per hart) or one test program
# (PROG=) under a TRACE=1 kernel: build/trace/{trace.json,timeline.png},
# the chart MS milliseconds wide.
trace:
	$(MAKE) --no-print-directory LOCKING=$(LOCKING) TRACE=1 all
	$(PYTHON) tools/trace.py $(if $(PROG),--prog $(PROG),--bench $(or $(BENCH),same-service)) --harts $(HARTS) \
	    --locking $(LOCKING) $(if $(OPS),--ops $(OPS)) $(if $(MS),--ms $(MS))

# make check's stage: two short traced scenarios (a shared service; a chain
# with a fwd and a kick, so depth 2 and a tail), their JSON checked.
trace-check:
	$(MAKE) --no-print-directory LOCKING=fine TRACE=1 all
	$(PYTHON) tools/trace.py --check --bench same-service,ipc-chain --harts 2 --ops 200 --warmup 20 \
	    --timeout 120 --out build/trace/check

# As run, but OpenSBI starts U-Boot, which boots the kernel from a disk image
# with build/uboot/boot.scr, the way a board boots from its SD card.
run-uboot: all
	$(PYTHON) tools/qemu.py --uboot build/uboot/boot.scr --disk build/uboot/run-$(VARIANT).img \
	    --kernel $(B)/migrant.bin --initrd $(UB)/run.cpio --harts $(HARTS) --mem $(MEM)

debug: all
	@echo "debug: QEMU waits for gdb on :1234; gdb-multiarch attaches with symbols from $(B)/migrant.elf"
	$(PYTHON) tools/qemu.py --kernel $(B)/migrant.bin --initrd $(UB)/run.cpio --harts $(HARTS) \
	    --mem $(MEM) --extra-qemu "-s -S" & \
	gdb-multiarch -q $(B)/migrant.elf -ex 'target remote :1234'; kill %1 2>/dev/null || true

# ---- stress (docs/stress.md) ----
# The fuzzer's own initrd: the driver is /init, beside the service it
# spawns. SEED empty: tools/stress.py picks one and prints it.
SEED      ?=
STRESS_LIB := $(UB)/lib/stress/fuzz.c.o $(UB)/lib/stress/prog.c.o $(UB)/lib/stress/race.c.o

$(UB)/%.elf: $(UB)/lib/stress/%.c.o $(STRESS_LIB) $(UB)/libuser.a user/user.ld
	$(Q)$(CC) $(UCFLAGS) -T user/user.ld -o $@ $< $(STRESS_LIB) $(UB)/libuser.a $(LIBGCC)

$(UB)/stress.cpio: $(UB)/stress.elf $(UB)/svc_stress.elf
	$(call mkcpio,$(UB)/stress.elf,svc_stress)

stress: kernel $(UB)/stress.cpio
	$(PYTHON) tools/stress.py --kernel $(B)/migrant.bin --initrd $(UB)/stress.cpio \
	    --elf $(UB)/stress.elf --locking $(LOCKING) --lockdebug $(LOCKDEBUG) --inject $(INJECT) \
	    --harts $(HARTS) --seconds $(or $(ARG_SECONDS),60) --mem $(MEM) $(if $(SEED),--seed $(SEED))

# Differential mode: PROGS short programs at one hart in two builds must
# give the same results: fine against bkl, or with PAIR=fastpath the fine
# build's asm migration path against its C specification (FASTPATH=0).
# TRACE=1 prints every call of both.
PROGS     ?= 2000
PAIR      ?= locking
SUFFIX    := $(patsubst $(LOCKING)%,%,$(VARIANT))
ifeq ($(PAIR),fastpath)
DIFF_A    := LOCKING=fine FASTPATH=1
DIFF_B    := LOCKING=fine FASTPATH=0
DIFF_KERNELS := build/fine$(SUFFIX)/migrant.bin build/fine$(SUFFIX)-nofast/migrant.bin
else
DIFF_A    := LOCKING=fine
DIFF_B    := LOCKING=bkl
DIFF_KERNELS := build/fine$(SUFFIX)/migrant.bin build/bkl$(SUFFIX)/migrant.bin
endif
stress-diff: $(UB)/stress.cpio
	$(Q)$(MAKE) --no-print-directory $(DIFF_A) LOCKDEBUG=$(LOCKDEBUG) INJECT=$(INJECT) TRACE=0 kernel
	$(Q)$(MAKE) --no-print-directory $(DIFF_B) LOCKDEBUG=$(LOCKDEBUG) INJECT=$(INJECT) TRACE=0 kernel
	$(PYTHON) tools/stress.py --diff $(DIFF_KERNELS) --names $(if $(filter fastpath,$(PAIR)),asm$(comma)C,fine$(comma)bkl) \
	    --initrd $(UB)/stress.cpio --elf $(UB)/stress.elf --progs $(PROGS) --mem $(MEM) \
	    $(if $(SEED),--seed $(SEED)) $(if $(filter 1,$(TRACE)),--trace)

# ---- tests ----
HOST_TESTS := $(basename $(notdir $(wildcard tests/host/*.c)))
HOST_CFLAGS := -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all \
    -Iinclude -Isrc -Ilib/include -Itests/host -DHOST_DTB_DIR='"build/host/dtb"'
# Board-shaped device trees for the host tests, written as .dts and made by dtc.
HOST_DTBS := $(patsubst tests/host/dts/%.dts,build/host/dtb/%.dtb,$(wildcard tests/host/dts/*.dts))

build/host/dtb/%.dtb: tests/host/dts/%.dts $(wildcard tests/host/dts/*.dtsi) $(DEPS)
	@mkdir -p $(dir $@)
	$(Q)dtc -I dts -O dtb -o $@ $<

build/host/%: tests/host/%.c $(wildcard tests/host/*.h) $(wildcard lib/*.c lib/include/lib/*.h src/base/*.[ch] include/migrant/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

# The harness's own host tests, in Python (tests/host/test_*.py).
HOST_PY_TESTS := $(wildcard tests/host/test_*.py)

# One result line per host test program, and a closing count, like runtest.py.
host-test: $(patsubst %,build/host/%,$(HOST_TESTS)) | $(HOST_DTBS)
	@p=0; f=0; for t in $^ $(HOST_PY_TESTS); do \
	    case $$t in *.py) run="$(PYTHON) $$t"; log=build/host/$$(basename $$t .py).log;; \
	    *) run=$$t; log=$$t.log;; esac; \
	    if $$run >$$log 2>&1; then echo "PASS host/$$(basename $$t)"; p=$$((p+1)); \
	    else echo "FAIL host/$$(basename $$t):"; sed 's/^/    | /' $$log; f=$$((f+1)); fi; \
	done; echo "$$p passed, $$f failed"; [ $$f = 0 ]

selfcheck: all
	$(PYTHON) tools/runtest.py --kernel $(B)/migrant.bin --initrd $(UB)/test.cpio --locking $(LOCKING) --selfcheck

# The kernel's mappings (docs/boot.md, "Kernel virtual layout"): a WXTEST=1
# kernel at one hart stores to its own text, then, in a second boot, jumps
# into the direct map; each boot must panic with exactly its message.
wx-check:
	$(MAKE) --no-print-directory LOCKING=fine WXTEST=1 kernel $(UB)/test.cpio
	$(PYTHON) tools/runtest.py --wxcheck --kernel build/fine-wxtest/migrant.bin --initrd $(UB)/test.cpio \
	    --locking fine --log-dir build/fine-wxtest/logs --timeout 60

# The QEMU test suite in one lock build, run as make check's suite() runs it
# (tools/check.sh): the same runner, kernel, label and 240 s per run; with
# LOCKDEBUG=1 (or another variant knob) that variant's kernel, not the plain
# one. ONLY=a,b runs just those tests. A static pattern rule: make skips
# implicit (pattern) rules for .PHONY targets.
test-fine test-bkl: test-%:
	$(MAKE) --no-print-directory LOCKING=$* all
	$(PYTHON) tools/runtest.py --kernel build/$*$(SUFFIX)/migrant.bin --initrd $(UB)/test.cpio \
	    --locking $*$(subst -,+,$(SUFFIX)) --jobs $(JOBS) --timeout 240 $(if $(ONLY),--only $(ONLY))

check: deps
	@JOBS=$(JOBS) tools/check.sh

clean:
	rm -rf build/fine build/fine-lockdebug build/bkl build/bkl-lockdebug build/user build/host build/uboot \
	    build/*-inject build/*-profile build/*-trace build/*-wxtest build/bench build/profile build/trace build/coherence

# Dependency files, but only those whose source still exists: a source that
# moved leaves one behind naming it, which make would then fail to find.
# build/<v>/k/X.d is src/X's, build/<v>/lib/X.d lib/X's, build/user/lib/X.d X's;
# build/<v>/gen/asm-offsets.d is asm-offsets.c's, and names the header it
# makes, so a struct that changes in any header regenerates the offsets.
-include $(shell find build -name '*.d' 2>/dev/null | awk '{ s = $$0; sub(/\.d$$/, "", s); \
    if (!sub(/^build\/user\/lib\//, "", s) && !sub(/^build\/[^/]+\/k\//, "src/", s) && \
        !sub(/^build\/[^/]+\/lib\//, "lib/", s) && \
        !sub(/^build\/[^/]+\/gen\/asm-offsets$$/, "src/arch/riscv/asm-offsets.c", s)) next; \
    if ((getline line < s) >= 0) print $$0; close(s) }')
.SECONDARY:

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs what migrant needs on Debian 12 and fetches Concurrency Kit's
# source package, and QEMU's plugin API header, into build/deps/. Safe to run again: it only does what is
# missing. Not root: prints the exact commands to run instead.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/build/deps"
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
uboot=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
pkgs=(gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf qemu-system-misc opensbi u-boot-qemu u-boot-tools mtools
      cpio python3 dpkg-dev xz-utils gcc make gdb-multiarch gnuplot-nox device-tree-compiler)
srclist=/etc/apt/sources.list.d/migrant-deb-src.sources

need=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done

has_deb_src() {
    grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

sudo_hint() {
    echo "deps: not root. Run these as root, then make again:" >&2
    has_deb_src || echo "  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > $srclist" >&2
    echo "  apt-get update && apt-get install -y ${need[*]:-}" >&2
    exit 1
}

updated=0
apt_update() {
    [ $updated = 1 ] || { apt-get update -qq; updated=1; }
}

if [ ${#need[@]} -gt 0 ] || ! has_deb_src; then
    [ "$(id -u)" = 0 ] || sudo_hint
    if ! has_deb_src; then
        # Debian's own archive; the signing key ships with every Debian system.
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$srclist"
        updated=0
    fi
    if [ ${#need[@]} -gt 0 ]; then
        apt_update
        echo "deps: installing ${need[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
fi

[ -f "$fw" ] || { echo "deps: $fw missing after installing opensbi" >&2; exit 1; }
[ -f "$uboot" ] || { echo "deps: $uboot missing after installing u-boot-qemu" >&2; exit 1; }

if ! ls -d "$deps"/ck-*/src/ck_epoch.c >/dev/null 2>&1; then
    mkdir -p "$deps"
    apt_update
    echo "deps: fetching Concurrency Kit source (apt-get source ck)"
    (cd "$deps" && apt-get source -qq ck >/dev/null 2>&1) || {
        [ "$(id -u)" = 0 ] || sudo_hint
        apt-get update -qq
        (cd "$deps" && apt-get source -qq ck >/dev/null)
    }
fi
ls -d "$deps"/ck-*/ | head -n 1 | sed 's:/$::' > "$deps/ck.path"

# QEMU's TCG plugin API header, for tools/coherence/: it is in no binary
# package, only in the qemu source package. Only the header is kept, taken
# from the upstream tarball (Debian's patches do not touch it); it needs
# nothing but the C library's headers.
plugin_h="$deps/qemu-plugin/qemu-plugin.h"
if [ ! -f "$plugin_h" ]; then
    mkdir -p "$deps/qemu-plugin"
    src=$(mktemp -d "$deps/qemu-src.XXXXXX")
    apt_update
    echo "deps: fetching QEMU's plugin header (apt-get source --download-only qemu, about 24 MB)"
    (cd "$src" && apt-get source --download-only -qq qemu >/dev/null 2>&1) || {
        [ "$(id -u)" = 0 ] || sudo_hint
        apt-get update -qq
        (cd "$src" && apt-get source --download-only -qq qemu >/dev/null)
    }
    tar -xJf "$src"/qemu_*.orig.tar.xz -O --wildcards '*/include/qemu/qemu-plugin.h' > "$plugin_h.tmp"
    mv "$plugin_h.tmp" "$plugin_h"
    rm -rf "$src"
fi
touch "$deps/stamp"

#!/bin/sh
# Regenerates the kernel API summaries shipped in the binary (summaries/linux-6.1.gfpsum,
# summaries/linux-6.12.gfpsum) from Debian's linux-source packages.
#
#   scripts/gen-summaries.sh [VERSION...]        (default: 6.1 6.12)
#
# KERNEL_DIR: a directory holding already unpacked trees named linux-source-VERSION
# (default: a temporary directory, where `apt-get download linux-source-VERSION` and
# dpkg-deb unpack the package's tarball). Prints the load average, the time and the
# size of each file; the shipped files must stay under 10 MB each.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
gfplint=$PWD/target/release/gfplint
work=${KERNEL_DIR:-$(mktemp -d)}
versions=${*:-6.1 6.12}
for v in $versions; do
    tree="$work/linux-source-$v"
    if [ ! -d "$tree" ]; then
        (
            cd "$work"
            apt-get download "linux-source-$v"
            dpkg-deb -x linux-source-"$v"_*.deb "pkg-$v"
            tar -xf "pkg-$v/usr/src/linux-source-$v.tar.xz" -C "$work"
        )
    fi
    release=$(awk -F' = ' '/^VERSION =/{a=$2} /^PATCHLEVEL =/{b=$2} /^SUBLEVEL =/{c=$2} END{print a"."b"."c}' "$tree/Makefile")
    echo "linux-source-$v: Linux $release; load: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$gfplint" summarize "$tree" -o "summaries/linux-$v.gfpsum" --name "Linux $release"
    ls -l "summaries/linux-$v.gfpsum"
done

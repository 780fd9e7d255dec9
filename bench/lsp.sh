#!/usr/bin/env bash
# Language-server timing on a kernel subtree: the initial workspace analysis next to a
# `gfplint check` of the same tree, then the time from didChange to publishDiagnostics
# for edits to one file, and the server's memory (bench/lsp_client.py).
# usage: bench/lsp.sh [ROOT [FILE [EDITS]]]
#   default ROOT: $KERNEL_SRC/drivers/net/ethernet (KERNEL_SRC default:
#   /work/kernel/linux-source-6.1); FILE relative to ROOT. The tree is only read.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
kernel="${KERNEL_SRC:-/work/kernel/linux-source-6.1}"
root="${1:-$kernel/drivers/net/ethernet}"
file="${2:-intel/e1000e/netdev.c}"
edits="${3:-10}"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$here/target}/release/gfplint"
echo "tree: $root ($(find "$root" -name '*.[ch]' | wc -l) .c/.h files); edited: $file"
# The one-shot check of the same tree (page cache warmed by the first run).
"$bin" check -q --format gcc "$root" >/dev/null || true
/usr/bin/time -f "gfplint check: %e s wall, %M KiB peak RSS" \
  "$bin" check -q --format gcc "$root" >/dev/null || true
python3 "$here/bench/lsp_client.py" "$bin" "$root" "$file" "$edits"

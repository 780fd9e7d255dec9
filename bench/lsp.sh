#!/usr/bin/env bash
# Language-server timing on a kernel subtree: the initial workspace analysis next to a
# `gfplint check` of the same tree, then the time from didChange to publishDiagnostics
# for edits to one file, and the server's memory (bench/lsp_client.py).
# usage: bench/lsp.sh [ROOT [FILE [EDITS]]]
#   default ROOT: $KERNEL_SRC/drivers/net/ethernet (KERNEL_SRC default:
#   /work/kernel/linux-source-6.1); FILE relative to ROOT. The tree is only read.
#   GFPLINT_BIN: a binary to run instead of building one.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
kernel="${KERNEL_SRC:-/work/kernel/linux-source-6.1}"
root="${1:-$kernel/drivers/net/ethernet}"
file="${2:-intel/e1000e/netdev.c}"
edits="${3:-10}"
if [[ -n "${GFPLINT_BIN:-}" ]]; then
  bin="$GFPLINT_BIN"
else
  cargo build --release --quiet --manifest-path "$here/Cargo.toml"
  bin="${CARGO_TARGET_DIR:-$here/target}/release/gfplint"
fi
# The facts cache goes to a directory of its own (check and the server both read
# GFPLINT_CACHE_DIR), so the tree is only read; removed at the end unless given.
if [[ -z "${GFPLINT_CACHE_DIR:-}" ]]; then
  GFPLINT_CACHE_DIR="$(mktemp -d)"
  trap 'rm -rf "$GFPLINT_CACHE_DIR"' EXIT
fi
export GFPLINT_CACHE_DIR
echo "tree: $root ($(find "$root" -name '*.[ch]' | wc -l) .c/.h files); edited: $file"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# The one-shot check of the same tree without the cache (page cache warmed by a
# first run), then with the cache: the first fills it, as the server finds it.
"$bin" check -q --format gcc --no-cache "$root" >/dev/null || true
/usr/bin/time -f "gfplint check --no-cache: %e s wall, %M KiB peak RSS" \
  "$bin" check -q --format gcc --no-cache "$root" >/dev/null || true
/usr/bin/time -f "gfplint check, empty cache: %e s wall, %M KiB peak RSS" \
  "$bin" check -q --format gcc "$root" >/dev/null || true
python3 "$here/bench/lsp_client.py" "$bin" "$root" "$file" "$edits"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

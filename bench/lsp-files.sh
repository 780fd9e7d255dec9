#!/usr/bin/env bash
# Language server on a whole tree with a warm facts cache: for each FILE, a server is
# started at TREE, FILE is opened and edited EDITS times (bench/lsp_client.py; inside
# its last function by default, GFPLINT_BENCH_EDIT=function appends one), and the
# time from didChange to publishDiagnostics and the server's peak memory are printed.
# usage: bench/lsp-files.sh TREE EDITS FILE...   (FILE relative to TREE)
#   The cache is the tree's own (`.gfplint-cache/`, or GFPLINT_CACHE_DIR): run the
#   hook's command (`gfplint check --format gcc FILE`) once first so that the last
#   whole run over the tree's files is stored. GFPLINT_BIN: the binary (default: a
#   release build of this checkout).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tree="$1"; edits="$2"; shift 2
if [[ -n "${GFPLINT_BIN:-}" ]]; then
  bin="$GFPLINT_BIN"
else
  cargo build --release --quiet --manifest-path "$here/Cargo.toml"
  bin="${CARGO_TARGET_DIR:-$here/target}/release/gfplint"
fi
export GFPLINT_BENCH_EDIT="${GFPLINT_BENCH_EDIT:-body}"
echo "tree: $tree; $edits edits per file ($GFPLINT_BENCH_EDIT); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for f in "$@"; do
  log="${TMPDIR:-/tmp}/lsp-files-$(basename "$f").err"
  out="$(GFPLINT_LSP_TIMINGS=1 GFPLINT_TIMINGS=1 python3 "$here/bench/lsp_client.py" "$bin" "$tree" "$f" "$edits" 2>"$log" || true)"
  change="$(grep -o "min [0-9]* ms, median [0-9]* ms, max [0-9]* ms" <<<"$out" || echo "no publication (see the server log)")"
  peak="$(grep -o 'peak [0-9]* MiB' <<<"$out" | tail -1 || true)"
  sliced="$(grep -c 'sliced run finished' "$log" || true)"
  whole="$(grep -c 'not sliced' "$log" || true)"
  echo "$f: didChange -> publish $change; server $peak; runs sliced $sliced, not sliced $whole (log: $log)"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# How many allocation sizes the size model evaluates, and the size lints' findings.
#
#   bench/size-coverage.sh KERNEL_SRC [SUBDIR] [GFPLINT]
#
# Runs `gfplint debug-sizes --allocations --findings SUBDIR` (default drivers) in
# KERNEL_SRC and prints: allocation calls with a size argument; those whose size is
# a compile-time constant by its form (literals, macros, enumerators, sizeof,
# constant helpers such as struct_size() with a constant count); how many of those
# the model evaluates, and the unevaluated constant ones by the kind of the first
# thing they could not resolve (type, name, config, expr; `-`: a layout failed without
# naming one). Writes bench/work/allocs.tsv (file:line, callee, bytes or ?, const/var,
# size text, first unknown) and bench/work/findings.tsv (lint, file:line, message), to
# diff against another binary's run (third argument: path/to/old/gfplint).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KERNEL_SRC=$(realpath "${1:?usage: bench/size-coverage.sh KERNEL_SRC [SUBDIR] [GFPLINT]}")
SUBDIR=${2:-drivers}
BIN=${3:-}
WORK=$ROOT/bench/work
mkdir -p "$WORK"
if [[ -z "$BIN" ]]; then
  cargo build --release --quiet --bin gfplint
  BIN=$ROOT/target/release/gfplint
fi
(cd "$KERNEL_SRC" && "$BIN" debug-sizes --allocations --findings "$SUBDIR") > "$WORK/debug-sizes.tsv"
grep -P '^alloc\t' "$WORK/debug-sizes.tsv" | cut -f2- > "$WORK/allocs.tsv"
grep -P '^finding\t' "$WORK/debug-sizes.tsv" | cut -f2- > "$WORK/findings.tsv"
awk -F'\t' '{ n++; if ($4 == "const") { c++; if ($3 != "?") e++ } else if ($3 != "?") v++ }
  END { printf "allocation calls with a size: %d\nconstant by form: %d, evaluated: %d (%.1f %%)\nnot constant by form, evaluated anyway: %d\n", n, c, e, 100.0 * e / (c ? c : 1), v }' \
  "$WORK/allocs.tsv"
echo "unevaluated constant sizes by first unknown:"
awk -F'\t' '$4 == "const" && $3 == "?" { split($6, w, " "); print w[1] }' "$WORK/allocs.tsv" \
  | sort | uniq -c | sort -rn
cut -f1 "$WORK/findings.tsv" | sort | uniq -c

#!/usr/bin/env bash
# Pre-commit timing: `gfplint check` on 3 changed files of a synthetic repository of
# N (default 500) files (bench/gen_repo.py), the rest analysed for context.
# usage: bench/precommit.sh [N]     (builds the release binary first)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-500}"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$here/target}/release/gfplint"
repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT
python3 "$here/bench/gen_repo.py" "$repo" "$n"
cd "$repo"
echo "repository: $(find . -name '*.[ch]' | wc -l) files, $(cat $(find . -name '*.[ch]') | wc -c) bytes"
changed=(drivers/d000/f000.c drivers/d010/f100.c drivers/d020/f200.c)
"$bin" check --format gcc -q "${changed[@]}" >/dev/null || true   # warm the page cache
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$bin" check --format gcc "${changed[@]}" || true
  end=$(date +%s.%N)
  echo "run $run: $(echo "$end - $start" | bc) s wall"
done

#!/usr/bin/env bash
# Benchmark gfplint on a real kernel tree, beside the parse-only floor measured in the
# same run (same files, same parser, same thread count).
#
#   bench/kernel.sh [SUBDIR]          # default SUBDIR: drivers
#
# Environment: KERNEL_SRC=/path/to/linux (skips the download), JOBS=N (default: all cores),
# KERNEL_PKG=linux-source-6.1 (Debian package to fetch).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SUBDIR=${1:-drivers}
JOBS=${JOBS:-$(nproc)}
PKG=${KERNEL_PKG:-linux-source-6.1}
WORK=$ROOT/bench/work

if [[ -z "${KERNEL_SRC:-}" ]]; then
  mkdir -p "$WORK"
  if ! ls -d "$WORK"/usr/src/linux-source-*/ >/dev/null 2>&1; then
    (cd "$WORK" && apt-get download "$PKG" && dpkg-deb -x ./"$PKG"_*.deb . && \
      tar -C usr/src -xf usr/src/"$PKG".tar.xz)
  fi
  KERNEL_SRC=$(ls -d "$WORK"/usr/src/linux-source-*/ | head -n1)
fi

cargo build --release --quiet --bin gfplint --example parse_floor
BIN=$ROOT/target/release/gfplint
FLOOR=$ROOT/target/release/examples/parse_floor

measure() { # label, command...: prints wall seconds and peak RSS (MiB)
  local label=$1; shift
  /usr/bin/time -o /tmp/gfplint-bench.$$.time -f '%e %M %U' "$@" >/tmp/gfplint-bench.$$.out 2>/tmp/gfplint-bench.$$.err
  read -r wall rss user < <(tail -n1 /tmp/gfplint-bench.$$.time)
  printf '%-12s wall %7.2f s   user %7.2f s   peak RSS %6.0f MiB\n' "$label" "$wall" "$user" "$(echo "$rss/1024" | bc -l)"
  echo "$wall"> /tmp/gfplint-bench.$$.$label
}

cd "$KERNEL_SRC"
FILES=$(find "$SUBDIR" -type f \( -name '*.c' -o -name '*.h' \) | wc -l)
echo "tree: ${KERNEL_SRC%/}/$SUBDIR  files: $FILES  jobs: $JOBS  gfplint: $($BIN --version)"
set +e
measure parse-floor "$FLOOR" -j "$JOBS" "$SUBDIR"
cat /tmp/gfplint-bench.$$.out
measure gfplint "$BIN" check --quiet --no-cache --format gcc -j "$JOBS" "$SUBDIR"
cp /tmp/gfplint-bench.$$.out /tmp/gfplint-bench-findings.txt
set -e
floor=$(cat /tmp/gfplint-bench.$$.parse-floor)
full=$(cat /tmp/gfplint-bench.$$.gfplint)
echo "ratio gfplint/floor: $(echo "scale=2; $full/$floor" | bc -l)x   files/s: $(echo "scale=0; $FILES/$full" | bc -l)"
echo "findings: $(wc -l </tmp/gfplint-bench-findings.txt) (by lint below; full list in /tmp/gfplint-bench-findings.txt)"
grep -o '\[[a-z-]*\]$' /tmp/gfplint-bench-findings.txt | sort | uniq -c | sort -rn
echo "file errors: $(grep -c '^gfplint: error' /tmp/gfplint-bench.$$.err || true)"
rm -f /tmp/gfplint-bench.$$.*

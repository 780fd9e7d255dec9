#!/usr/bin/env bash
# Adversarial input shapes (issue 9), each at several sizes: wall time, peak RSS and
# the growth factor per doubling of the input. Linear work doubles (factor ~2);
# quadratic work quadruples. Timings on a shared machine are noisy.
#
#   bench/adversarial.sh            # sizes 50k 100k 200k 400k, release build
#   bench/adversarial.sh --small    # sizes 2k 4k 8k 16k, the binary in $GFPLINT
#                                   # (default target/debug/gfplint); fails when a
#                                   # doubling costs more than 3.2x (CI)
#
# Shapes: suppression comments (one per line), distinct locks released without being
# taken, distinct locks held, many marks on one line, a dense file of small functions
# (memory per byte), and an exclude glob with 11 `*` against long file names.
# SHAPES="held dense" picks shapes; GFPLINT=path picks the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SMALL=0
[[ "${1:-}" == "--small" ]] && SMALL=1
if (( SMALL )); then
  SIZES=(2000 4000 8000 16000)
  BIN=${GFPLINT:-$ROOT/target/debug/gfplint}
  [[ -x "$BIN" ]] || cargo build --quiet --bin gfplint
else
  SIZES=(50000 100000 200000 400000)
  cargo build --release --quiet --bin gfplint
  BIN=${GFPLINT:-$ROOT/target/release/gfplint}
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gfplint-adversarial.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
MAX_FACTOR=3.2
failed=0

gen() { # shape n -> writes $WORK/<shape>-<n>/ and prints the directory
  local shape=$1 n=$2 dir=$WORK/$1-$2
  mkdir -p "$dir"
  python3 - "$shape" "$n" "$dir" <<'EOF'
import sys, os
shape, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = []
if shape == "suppressions":
    out.append("void f(void)\n{\n")
    out += ["\t// gfplint: allow(atomic-sleeping-gfp)\n"] * n
    out.append("}\n")
elif shape == "unlocks":
    out.append("void f(void)\n{\n")
    out += [f"\tspin_unlock(&l{i});\n" for i in range(n)]
    out.append("}\n")
elif shape == "held":
    out.append("void f(void)\n{\n")
    out += [f"\tspin_lock(&l{i});\n" for i in range(n)]
    out.append("\tp = kmalloc(8, GFP_KERNEL);\n}\n")
elif shape == "one-line-marks":
    out.append("/* " + "gfplint: allow(" * n + " */\n")
elif shape == "dense":
    out += [f"void f{i}(void) {{ spin_lock(&l); p = kmalloc(8, GFP_KERNEL); spin_unlock(&l); }}\n"
            for i in range(n)]
elif shape == "glob":
    # n/1000 files with names of 60 characters: the old matcher was exponential in
    # the stars, so per-name cost is what grows; here the count of names does.
    for i in range(max(n // 1000, 1)):
        open(os.path.join(d, "a" * 52 + f"{i:06d}.c"), "w").write("int x;\n")
    open(os.path.join(d, "gfplint.toml"), "w").write(
        '[files]\nexclude = ["' + "*a" * 11 + 'b*"]\n')
if out:
    open(os.path.join(d, "x.c"), "w").write("".join(out))
EOF
  echo "$dir"
}

printf '%-16s %9s %10s %9s %10s %7s\n' shape size bytes wall_s peak_MiB factor
for shape in ${SHAPES:-suppressions unlocks held one-line-marks dense glob}; do
  prev=""
  for n in "${SIZES[@]}"; do
    dir=$(gen "$shape" "$n")
    bytes=$(du -sb "$dir" | cut -f1)
    # The best of three runs in the CI configuration: one slow run on a busy machine
    # must not read as super-linear growth.
    wall=""; rss=0
    for _ in $(seq $(( SMALL ? 3 : 1 ))); do
      /usr/bin/time -o "$WORK/time" -f '%e %M' "$BIN" check -q -j 1 --format gcc "$dir" >/dev/null 2>&1 || true
      out=$(tail -n1 "$WORK/time")
      w=${out% *}; r=${out#* }
      if [[ -z "$wall" ]] || awk -v a="$w" -v b="$wall" 'BEGIN { exit !(a < b) }'; then wall=$w; fi
      (( r > rss )) && rss=$r
    done
    factor="-"
    if [[ -n "$prev" ]]; then
      factor=$(awk -v a="$prev" -v b="$wall" 'BEGIN { if (a < 0.05) a = 0.05; if (b < 0.05) b = 0.05; printf "%.2f", b / a }')
      if (( SMALL )) && awk -v f="$factor" -v m="$MAX_FACTOR" 'BEGIN { exit !(f > m) }'; then
        echo "FAIL: $shape grows by $factor per doubling at n=$n" >&2
        failed=1
      fi
    fi
    printf '%-16s %9d %10d %9s %10d %7s\n' "$shape" "$n" "$bytes" "$wall" $((rss / 1024)) "$factor"
    prev=$wall
    rm -rf "$dir"
  done
done
exit $failed

#!/usr/bin/env bash
# Whole runs after edits that only move code, on a kernel tree that is a git
# repository: for each of N files (random tracked .c files, plus files the last
# run's findings point into, from FINDINGS, a `check --format json .` output of the
# same tree), insert blank lines and a comment at its top, or a two-line comment
# inside (the code moves, what it says does not), run `gfplint check --format gcc .`
# (a moved-code run when it can be: the last full run's findings, those naming the
# file computed again), then the same run with GFPLINT_NO_SLICE=1 and a cache of its
# own (the whole-program stage over everything, from cached facts: the moved-code
# run's stored outcome is not in that cache), compare the outputs, restore the file.
# With EDIT=body, the edits change what the code says instead: a sleep added at the
# start of the first function body (odd files), or the first call statement of one
# removed (even files); the runs are then edited-code runs when they can be. With
# EDIT=outside, edits outside the functions: a file-scope variable appended (odd
# files), a prototype after the last #include line (even files).
# Usage: [EDIT=body|outside] bench/moved-runs.sh TREE N [SEED] [FINDINGS]
# Prints one line per file (moved/edited-code run or not, wall s, peak MiB; whole
# stage wall s; findings; identical) and a summary. The cache must be warm (done here).
set -euo pipefail
tree=$1; n=$2; seed=${3:-1}; findings=${4:-}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${GFPLINT:-$here/target/release/gfplint}
out=$(mktemp -d)
cd "$tree"
pick=$(python3 "$here/bench/pick_files.py" "$n" "$seed" "$findings")
ref=${GFPLINT_BENCH_REF_CACHE:-$out/ref-cache}
"$bin" check --format gcc . >/dev/null 2>&1 || true
GFPLINT_NO_SLICE=1 "$bin" check --cache-dir "$ref" --format gcc . >/dev/null 2>&1 || true
edit=${EDIT:-moved}
case $edit in
  moved) done_line="moved-code run finished"; not_line="not a moved-code run" ;;
  body|outside) done_line="edited-code run finished"; not_line="not an edited-code run" ;;
  *) echo "EDIT is moved, body or outside" >&2; exit 2 ;;
esac
i=0; same=0; moved=0; total=0
while read -r f; do
  i=$((i + 1)); total=$((total + 1))
  if [[ $edit == body ]]; then
    python3 - "$f" "$i" <<'PY'
import re, sys
path, i = sys.argv[1], int(sys.argv[2])
lines = open(path, encoding="latin-1").read().split("\n")
starts = [k for k, l in enumerate(lines) if l == "{" and k > 0 and lines[k - 1].rstrip().endswith(")")]
done = False
for k in starts:
    if i % 2:
        lines.insert(k + 1, "\tmsleep(1); /* gfplint bench: a body edit */")
        done = True
    else:
        for j in range(k + 1, len(lines)):
            if lines[j].startswith("}"):
                break
            if re.match(r"^\t+[a-z_][a-z0-9_]*\(.*\);$", lines[j]):
                del lines[j]
                done = True
                break
    if done:
        break
if not done:
    lines.append("int gfplint_bench_body_edit;")
open(path, "w", encoding="latin-1").write("\n".join(lines))
PY
  elif [[ $edit == outside ]]; then
    # Outside the functions: a file-scope variable appended (odd files), a prototype
    # after the last #include line (even files).
    python3 - "$f" "$i" <<'PY'
import sys
path, i = sys.argv[1], int(sys.argv[2])
lines = open(path, encoding="latin-1").read().split("\n")
if i % 2:
    lines.append("int gfplint_bench_outside_edit;")
else:
    at = max([k for k, l in enumerate(lines) if l.startswith("#include")], default=-1)
    lines.insert(at + 1, "void gfplint_bench_outside_edit(void);")
open(path, "w", encoding="latin-1").write("\n".join(lines))
PY
  elif (( i % 2 )); then
    for _ in $(seq $((i % 5 + 1))); do sed -i '1i\\' "$f"; done
    sed -i '1i/* gfplint bench: the code below moves */' "$f"
  else
    # A comment of two lines after the first line that starts a statement.
    python3 - "$f" <<'PY'
import sys
path = sys.argv[1]
lines = open(path, encoding="latin-1").read().split("\n")
for k, l in enumerate(lines):
    if l.startswith("\t") and l.rstrip().endswith(";") and not l.lstrip().startswith(("*", "/", "#")):
        lines.insert(k + 1, "\t/* gfplint bench:\n\t   the code below moves */")
        break
else:
    lines.insert(0, "/* gfplint bench */\n")
open(path, "w", encoding="latin-1").write("\n".join(lines))
PY
  fi
  GFPLINT_TIMINGS=1 /usr/bin/time -f "%e %M" "$bin" check --format gcc . >"$out/a" 2>"$out/a.err" || true
  GFPLINT_NO_SLICE=1 /usr/bin/time -f "%e %M" "$bin" check --cache-dir "$ref" --format gcc . >"$out/b" 2>"$out/b.err" || true
  m=no; grep -q "$done_line" "$out/a.err" && { m=yes; moved=$((moved + 1)); }
  read -r wall rss < <(tail -1 "$out/a.err")
  read -r bwall _ < <(tail -1 "$out/b.err")
  ident=no; cmp -s "$out/a" "$out/b" && { ident=yes; same=$((same + 1)); }
  why=$(grep -o "$not_line: .*done at" "$out/a.err" | sed 's/ done at$//' | head -1 || true)
  printf '%s\t%s=%s\t%ss\t%dMiB\twhole stage %ss\t%d findings\tidentical=%s\t%s\n' \
    "$f" "$edit" "$m" "$wall" $((rss / 1024)) "$bwall" "$(grep -c ': \(error\|warning\): ' "$out/a" || true)" "$ident" "$why"
  git checkout -q -- "$f"
done <<<"$pick"
echo "$edit-code runs: $moved of $total; identical to the whole stage: $same of $total"
[[ -n "${GFPLINT_BENCH_REF_CACHE:-}" ]] || rm -rf "$ref"
rm -rf "$out"

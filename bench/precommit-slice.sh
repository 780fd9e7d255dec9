#!/usr/bin/env bash
# Pre-commit mode after a code edit, on a kernel tree that is a git repository: for
# each of N files (random tracked .c files, plus files that findings point into, from
# FINDINGS, a `check --format json .` output of the same tree), insert blank lines at
# its top (a code edit: every span below moves), run `gfplint check --format gcc FILE`
# (sliced when it can be) and the same run with GFPLINT_NO_SLICE=1 (the whole-program
# stage over everything), compare the outputs, restore the file.
# Usage: bench/precommit-slice.sh TREE N [SEED] [FINDINGS]
# GFPLINT_BENCH_EDIT=body or function: the edit is bench/lsp_client.py's instead (a
# block that takes a spinlock and allocates, inside the file's last function; or a
# static function doing so, appended; blank lines where that fails).
# Prints one line per file (sliced or not, wall s, peak MiB, findings, identical) and
# a summary. The cache must be warm (a full pre-commit run first, done here).
set -euo pipefail
tree=$1; n=$2; seed=${3:-1}; findings=${4:-}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${GFPLINT:-$here/target/release/gfplint}
out=$(mktemp -d)
cd "$tree"
pick=$(python3 "$here/bench/pick_files.py" "$n" "$seed" "$findings")
first=$(echo "$pick" | head -1)
"$bin" check --format gcc "$first" >/dev/null 2>&1 || true
i=0; same=0; sliced=0; total=0
while read -r f; do
  i=$((i + 1)); total=$((total + 1))
  if [[ "${GFPLINT_BENCH_EDIT:-}" == body || "${GFPLINT_BENCH_EDIT:-}" == function ]]; then
    # bench/lsp_client.py's edit: a block taking a spinlock and allocating with
    # GFP_KERNEL at the top of the file's last function (new calls, a new section), or
    # a static function doing so appended to the file.
    EDITED="$f" python3 - "$here/bench/lsp_client.py" <<'PY' ||
import os, sys
exec(open(sys.argv[1]).read().split("class Server")[0])
path = os.environ["EDITED"]
with open(path) as f:
    text = f.read()
with open(path, "w") as f:
    f.write(edited(text))
PY
      for _ in $(seq $((i % 7 + 1))); do sed -i '1i\\' "$f"; done
  else
    for _ in $(seq $((i % 7 + 1))); do sed -i '1i\\' "$f"; done
  fi
  GFPLINT_TIMINGS=1 /usr/bin/time -f "%e %M" "$bin" check --format gcc "$f" >"$out/s.gcc" 2>"$out/s.err" || true
  GFPLINT_NO_SLICE=1 "$bin" check --format gcc "$f" >"$out/r.gcc" 2>/dev/null || true
  git checkout -q -- "$f"
  read -r wall kb < <(tail -1 "$out/s.err")
  how=full; grep -q "sliced run finished" "$out/s.err" && { how=sliced; sliced=$((sliced + 1)); }
  why=$(grep -o "not sliced: .* done at" "$out/s.err" | sed 's/ done at$//' || true)
  ok=DIFFERENT; cmp -s "$out/s.gcc" "$out/r.gcc" && { ok=identical; same=$((same + 1)); }
  printf '%-70s %-6s %6.2f s %5d MiB %3d findings %s %s\n' "$f" "$how" "$wall" $((kb / 1024)) "$(wc -l <"$out/r.gcc")" "$ok" "$why"
  [[ $ok == identical ]] || { diff "$out/s.gcc" "$out/r.gcc" | head -5; }
done <<<"$pick"
echo "files: $total, sliced: $sliced, identical: $same"
rm -rf "$out"

#!/usr/bin/env bash
# The facts cache on a whole kernel tree that is a git repository: cold runs with and
# without the cache, warm runs (nothing changed, one .c edited), pre-commit mode on 3
# changed files, and `pre-commit run --all-files`; checks that outputs with and
# without the cache are identical, and prints the cache size on disk.
#
#   bench/incremental.sh KERNEL_GIT_TREE
#
# The tree is modified during the run (comments appended to 4 files, a blank line
# inserted at the top of 2: a code edit, which changes every span below it) and
# restored with `git checkout`. PRE_COMMIT=/path/to/pre-commit (default: on PATH);
# without it the ~17 invocations of `pre-commit run --all-files` are simulated with
# xargs. GFPLINT_BIN=/path/to/gfplint runs that binary instead of building one.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tree="$(cd "${1:?usage: bench/incremental.sh KERNEL_GIT_TREE}" && pwd)"
if [[ -n "${GFPLINT_BIN:-}" ]]; then
  bin="$GFPLINT_BIN"
else
  cargo build --release --quiet --manifest-path "$here/Cargo.toml" --bin gfplint
  bin="${CARGO_TARGET_DIR:-$here/target}/release/gfplint"
fi
# BENCH_OUT=DIR keeps the outputs there (else a temp directory, removed at the end).
out="${BENCH_OUT:-$(mktemp -d)}"
mkdir -p "$out"
cd "$tree"
git rev-parse --git-dir >/dev/null
edited=drivers/net/ethernet/intel/igb/igb_main.c
changed=(drivers/net/ethernet/intel/e1000e/netdev.c drivers/usb/core/hub.c fs/ext4/inode.c)
restore() { git checkout -q -- "$edited" "${changed[@]}" 2>/dev/null || true; }
if [[ -n "${BENCH_OUT:-}" ]]; then trap restore EXIT; else trap 'restore; rm -rf "$out"' EXIT; fi
restore
"$bin" clean >/dev/null 2>&1 || true

row() { # label, output name, command...: one table row (wall s, peak RSS MiB)
  local label=$1 name=$2; shift 2
  /usr/bin/time -o "$out/time" -f '%e %M' "$@" >"$out/$name.out" 2>"$out/$name.err" || true
  # (time's last line: a failing command, as gfplint with findings is, adds one before it)
  read -r wall rss < <(tail -n1 "$out/time")
  printf '| %-52s | %8.2f s | %7.0f MiB |\n' "$label" "$wall" "$(echo "$rss/1024" | bc -l)"
  echo "$wall" >"$out/$name.wall"
}
same() { # name, name: whether the two outputs are byte-identical
  if cmp -s "$out/$1.out" "$out/$2.out"; then echo "identical: $1 = $2 ($(wc -l <"$out/$1.out") lines)"
  else echo "DIFFERENT: $1 vs $2"; diff "$out/$1.out" "$out/$2.out" | head -5; fi
}
files=$(git ls-files '*.c' '*.h' | wc -l)
echo "tree: $tree ($files .c/.h files tracked)  gfplint: $("$bin" --version)  jobs: $(nproc)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | wall | peak RSS |"
echo "|---|---|---|"
# The cold --no-cache reference runs last (on a loaded machine the runs that matter
# come first).
row "cold full run, cache enabled (empty cache)" cold "$bin" check --format gcc .
row "warm full run, nothing changed" warm "$bin" check --format gcc .
echo "/* gfplint bench edit */" >>"$edited"
row "warm full run after editing one .c (a comment)" warm_edit "$bin" check --format gcc .
restore
sed -i '1i\\' "$edited"
row "warm full run after a code edit in one .c (spans move: a moved-code run)" warm_code env GFPLINT_TIMINGS=1 "$bin" check --format gcc .
restore
# The hook's run at the previous commit (pre-commit mode names files relative to the
# root, `check .` spells them `./…`: each keeps its own last outcome).
row "pre-commit, 3 files, before editing (previous commit)" precommit0 "$bin" check --format gcc "${changed[@]}"
for f in "${changed[@]}"; do echo "/* gfplint bench edit */" >>"$f"; done
row "pre-commit, 3 changed files (comments), warm cache" precommit "$bin" check --format gcc "${changed[@]}"
row "pre-commit, same 3 files again (all cached)" precommit2 "$bin" check --format gcc "${changed[@]}"
sed -i '1i\\' "${changed[0]}"
row "pre-commit, 3 changed files, one with a code edit" precommit_code env GFPLINT_TIMINGS=1 "$bin" check --format gcc "${changed[@]}"
restore
# A subtree with the code edit, with and without the cache (the cached facts path).
sub=drivers/net/ethernet/intel
sed -i '1i\\' "$edited"
row "subtree $sub, code edit, --no-cache" sub_nocache "$bin" check --format gcc --no-cache "$sub"
row "subtree $sub, code edit, cache" sub_cache "$bin" check --format gcc "$sub"
restore
pc=${PRE_COMMIT:-$(command -v pre-commit || true)}
if [[ -n "$pc" ]]; then
  cat >"$out/pc.yaml" <<EOF
repos:
  - repo: local
    hooks:
      - id: gfplint
        name: gfplint
        entry: $bin check --format gcc --force-exclude
        language: system
        files: '\.[ch]$'
        require_serial: true
EOF
  row "pre-commit run --all-files (warm)" allfiles "$pc" run --all-files -c "$out/pc.yaml"
  echo "  invocations: $(grep -c 'findings (' "$out/allfiles.out" || true) (summary lines; pre-commit shows hook output only on failure)"
else
  # pre-commit splits the file list by command-line length: ~17 invocations here.
  git ls-files '*.c' '*.h' >"$out/all.txt"
  per=$(( (files + 16) / 17 ))
  row "simulated pre-commit --all-files: 17 invocations (warm)" allfiles \
    xargs -a "$out/all.txt" -n "$per" "$bin" check --format gcc --force-exclude
fi
# What a function does changes (a sleep added at the start of one's body): an
# edited-code run (the last full run's findings, those the edit can change computed
# over a slice). `bench/moved-runs.sh` with EDIT=body compares such runs with the
# whole stage.
python3 - "$edited" <<'PY'
import sys
path = sys.argv[1]
lines = open(path, encoding="latin-1").read().split("\n")
starts = [k for k, l in enumerate(lines) if l == "{" and k > 0 and lines[k - 1].rstrip().endswith(")")]
lines.insert(starts[len(starts) // 2] + 1, "\tmsleep(1); /* gfplint bench: a body edit */")
open(path, "w", encoding="latin-1").write("\n".join(lines))
PY
row "warm full run after a body edit in one .c (an edited-code run)" warm_body env GFPLINT_TIMINGS=1 "$bin" check --format gcc .
restore
# A file-scope variable added (outside functions: every function of the file edited; an
# edited-code run when it can be, else the whole stage). (Last of the warm rows: a whole
# stage stores its outcome as the last full run, which the rows above would then slice
# against once the edit is undone.)
echo "int gfplint_bench_body_edit;" >>"$edited"
row "warm full run after a declaration added in one .c (outside functions)" warm_decl env GFPLINT_TIMINGS=1 "$bin" check --format gcc .
restore
row "cold full run, --no-cache (reference)" nocache "$bin" check --format gcc --no-cache .
# The reference for the pre-commit rows (a cold run of its own), with the 3 files edited;
# PRECOMMIT_REFERENCE=0 skips it (the fixtures' tests compare pre-commit mode too).
if [[ "${PRECOMMIT_REFERENCE:-1}" != 0 ]]; then
  for f in "${changed[@]}"; do echo "/* gfplint bench edit */" >>"$f"; done
  row "pre-commit, 3 changed files, --no-cache (reference)" precommit_nocache "$bin" check --format gcc --no-cache "${changed[@]}"
  restore
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cache size on disk: $(du -sh .gfplint-cache | cut -f1) ($(find .gfplint-cache -type f | wc -l) files)"
echo "summary lines:"
for n in nocache cold warm warm_edit warm_code warm_body warm_decl precommit0 precommit precommit2 precommit_code; do echo "  $n: $(tail -n1 "$out/$n.err")"; done
# Where the time and memory of the runs that need the whole-program stage go.
for n in warm_code warm_body warm_decl precommit_code; do
  echo "stages of $n (GFPLINT_TIMINGS):"
  grep 'timing:' "$out/$n.err" | grep -v 'most used' | sed 's/^gfplint: timing: /  /'
done
same nocache cold
same nocache warm
same nocache warm_edit
# (A variable appended to the end of a file: the findings and their places are the same.)
same nocache warm_decl
same sub_nocache sub_cache
if [[ "${PRECOMMIT_REFERENCE:-1}" != 0 ]]; then
  same precommit_nocache precommit
  same precommit_nocache precommit2
else
  same precommit precommit2
fi

#!/usr/bin/env bash
# Two gfplint builds in turns on the pre-commit row of bench/incremental.sh, in a whole
# kernel tree that is a git repository with a warm cache: per pair, each build runs
# `check --format gcc` on netdev.c (a blank line inserted at its top: a code edit),
# usb/core/hub.c and ext4/inode.c (a fresh comment appended: new bytes, same facts),
# after which the files are restored. Turns, because this VM's speed changes by the
# minute. Prints each build's median, min, max wall and peak RSS, then every wall time.
#
#   bench/precommit-turns.sh TREE PAIRS OLD_BIN OLD_CACHE_DIR NEW_BIN [NEW_CACHE_DIR]
#
# A cache directory of `-` is the tree's own `.gfplint-cache`. Builds whose program
# store or outcome layouts differ need their own copies of the cache (`cp -a`), or
# each run would find the other's records unreadable and run the whole stage.
set -euo pipefail
tree=$1; pairs=$2; old=$(realpath "$3"); old_cache=$4; new=$(realpath "$5"); new_cache=${6:--}
cd "$tree"
a=drivers/net/ethernet/intel/e1000e/netdev.c; b=drivers/usb/core/hub.c; c=fs/ext4/inode.c
out=$(mktemp -d)
trap 'git checkout -q -- "$a" "$b" "$c"; rm -rf "$out"' EXIT
one() { # bin, cache dir or -
  local cache=()
  [[ "$2" != "-" ]] && cache=(--cache-dir "$2")
  sed -i '1i\\' "$a"
  local n; n=$(date +%s%N)
  echo "/* bench $n */" >>"$b"; echo "/* bench $n */" >>"$c"
  sleep 2.2 # (older than the digest index's racily-clean window)
  # (gfplint exits 1 when it reports an error-level finding)
  { /usr/bin/time -f '%e %M' "$1" check "${cache[@]}" --format gcc "$a" "$b" "$c" 2>&1 >/dev/null || true; } | tail -n1
  git checkout -q -- "$a" "$b" "$c"
}
for _ in $(seq 1 "$pairs"); do
  one "$old" "$old_cache" >>"$out/old"
  one "$new" "$new_cache" >>"$out/new"
done
for build in old new; do
  sort -n "$out/$build" | awk -v b="$build" '{w[NR]=$1; if ($2>m) m=$2}
    END {printf "%s: median %.2f s, min %.2f, max %.2f, peak %d MiB\n", b, w[int((NR+1)/2)], w[1], w[NR], m/1024}'
  echo "  $(cut -d' ' -f1 "$out/$build" | tr '\n' ' ')"
done

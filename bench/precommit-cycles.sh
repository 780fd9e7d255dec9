#!/usr/bin/env bash
# Pre-commit cycles on a kernel tree that is a git repository (the sequence a developer
# makes): comment edits on 3 files, two pre-commit runs (the early cutoff, then the
# identical run), then a blank line atop the first file (a code edit) and a third run,
# which must be sliced. A fresh comment text per trial, 2.2 s after the edits (the
# digest index skips files modified in the last 2 s). Prints each run's path (early
# cutoff / sliced / not sliced, and why), wall and peak RSS.
# Usage: bench/precommit-cycles.sh TREE [TRIALS]
set -uo pipefail
tree=$1; trials=${2:-6}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${GFPLINT:-$here/target/release/gfplint}
cd "$tree"
changed=(drivers/net/ethernet/intel/e1000e/netdev.c drivers/usb/core/hub.c fs/ext4/inode.c)
restore() { git checkout -q -- "${changed[@]}"; }
trap restore EXIT
one() { { GFPLINT_TIMINGS=1 /usr/bin/time -f "%e s %M KB" "$bin" check --format gcc "${changed[@]}" 2>&1 >/dev/null; } \
  | grep -oE 'early cutoff[^(]*|not sliced[^(]*|slice of [0-9]+ changed files \([^)]*\)|sliced run finished|outcome of an identical[^(]*|[0-9.]+ s [0-9]+ KB$|cache: .*' | tr '\n' ' '; echo; }
"$bin" check --format gcc "${changed[@]}" >/dev/null 2>&1
for t in $(seq 1 "$trials"); do
  restore; n=$(date +%s%N)
  for f in "${changed[@]}"; do echo "/* bench $n */" >>"$f"; done
  sleep 2.2
  echo "trial $t load $(cut -d' ' -f1 /proc/loadavg)"
  echo -n "  comments run 1: "; one
  echo -n "  comments run 2: "; one
  sed -i '1i\\' "${changed[0]}"; sleep 2.2
  echo -n "  code edit run:  "; one
done

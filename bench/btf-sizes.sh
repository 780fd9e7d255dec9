#!/usr/bin/env bash
# Compare gfplint's struct layouts with the compiler's, read from the BTF that
# Debian's kernel image carries in vmlinux and in every module.
#
#   [GFPLINT=path/to/gfplint] bench/btf-sizes.sh KERNEL_SRC [IMAGE_DIR]
#
# IMAGE_DIR is `dpkg -x` of linux-image-6.1.0-N-amd64(-unsigned) (downloaded with
# `apt-get download` into bench/work/image when not given). Needs pahole (dwarves).
# Prints the counts and writes bench/work/btf-compare.tsv (name, gfplint size, BTF
# size, gfplint file) with every struct both know, and the differing ones to
# bench/work/btf-differ.tsv. Only `struct NAME` defined under drivers/ with one
# size in gfplint's run and one size over all of BTF (vmlinux and the drivers'
# modules) are compared: a name with several definitions is ambiguous on one side.
# Members under `#ifdef CONFIG_…` follow the image's boot/config-*.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KERNEL_SRC=$(realpath "${1:?usage: bench/btf-sizes.sh KERNEL_SRC [IMAGE_DIR]}")
WORK=$ROOT/bench/work
mkdir -p "$WORK"
IMAGE=${2:-}
if [[ -z "$IMAGE" ]]; then
  IMAGE=$WORK/image
  if ! ls "$IMAGE"/boot/vmlinuz-* >/dev/null 2>&1; then
    PKG=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' \
      | awk '{print $1}' | sort -V | tail -n1)
    (cd "$WORK" && apt-get download "$PKG" && dpkg -x ./"$PKG"_*.deb "$IMAGE")
  fi
fi
IMAGE=$(realpath "$IMAGE")
CONFIG=$(ls "$IMAGE"/boot/config-* | head -n1)
VMLINUX=$WORK/vmlinux
[[ -s "$VMLINUX" ]] || "$KERNEL_SRC"/scripts/extract-vmlinux "$IMAGE"/boot/vmlinuz-* > "$VMLINUX"

# BTF: name → size, over vmlinux and every module under kernel/drivers.
BTF=$WORK/btf-sizes.tsv
if [[ ! -s "$BTF" ]]; then
  {
    pahole -F btf --sizes "$VMLINUX" | awk '{print $1"\t"$2}'
    find "$IMAGE"/lib/modules/*/kernel/drivers -name '*.ko' | sort | while read -r m; do
      pahole -F btf --btf_base "$VMLINUX" --sizes "$m" 2>/dev/null | awk '{print $1"\t"$2}'
    done
  } | sort -u > "$BTF"
fi

# GFPLINT=path/to/gfplint to measure a given binary instead of building this checkout.
BIN=${GFPLINT:-}
if [[ -z "$BIN" ]]; then
  cargo build --release --quiet --bin gfplint
  BIN=$ROOT/target/release/gfplint
fi
OURS=$WORK/gfplint-layouts.tsv
(cd "$KERNEL_SRC" && "$BIN" debug-sizes --layouts --kconfig "$CONFIG" drivers) > "$OURS"

python3 - "$OURS" "$BTF" "$WORK" <<'PY'
import sys, collections
ours_path, btf_path, work = sys.argv[1:]
ours = collections.defaultdict(set)    # name -> sizes (known layouts)
where = {}
defined = collections.Counter()
unknown = set()
for line in open(ours_path, encoding="utf-8", errors="replace"):
    f = line.rstrip("\n").split("\t")
    if len(f) != 4 or not f[1].startswith("struct "):
        continue
    name = f[1][len("struct "):]
    defined[name] += 1
    if f[2] == "?":
        unknown.add(name)
    else:
        ours[name].add(int(f[2]))
        where.setdefault(name, f[0])
btf = collections.defaultdict(set)
for line in open(btf_path):
    f = line.split("\t")
    if len(f) == 2 and f[1].strip().isdigit():
        btf[f[0]].add(int(f[1]))
names = set(defined) & set(btf)
single = [n for n in names if len(btf[n]) == 1 and n not in unknown and len(ours[n]) == 1]
agree = [n for n in single if ours[n] == btf[n]]
differ = sorted(n for n in single if ours[n] != btf[n])
known_both = len(single)
unknown_in_btf = [n for n in names if len(btf[n]) == 1 and (n in unknown and not ours[n])]
ambiguous = [n for n in names if len(btf[n]) > 1 or len(ours[n]) > 1]
with open(f"{work}/btf-compare.tsv", "w") as out, open(f"{work}/btf-differ.tsv", "w") as d:
    for n in sorted(single):
        row = f"{n}\t{min(ours[n])}\t{min(btf[n])}\t{where.get(n,'')}\n"
        out.write(row)
        if n in differ:
            d.write(row)
print(f"struct names defined in drivers/ (gfplint) that BTF also has: {len(names)}")
print(f"  ambiguous (several sizes on one side): {len(ambiguous)}")
print(f"  layout unknown to gfplint: {len(unknown_in_btf)}")
print(f"  both know one size: {known_both}; agree: {len(agree)} ({100.0*len(agree)/max(known_both,1):.2f} %); differ: {len(differ)}")
PY

#!/usr/bin/env bash
# Regenerate lints/types-x86_64-$KVER.toml (KVER=6.1 by default, or 6.12): the size and alignment of the kernel types
# that drivers/ do not define (`struct mutex`, `spinlock_t`, `struct device`), as
# the compiler laid them out for Debian's configuration, from the image's BTF: `pahole --compile` turns vmlinux's BTF into a
# C header, gcc lays out `sizeof`/`_Alignof` probes, `nm -S` reads them back.
#
#   bench/gen-type-layouts.sh KERNEL_SRC [IMAGE_DIR]
#
# IMAGE_DIR as for bench/btf-sizes.sh (downloaded when not given). Needs pahole, gcc.
# (`gfplint debug-sizes --missing-types drivers` lists what drivers/ still lack.)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KERNEL_SRC=$(realpath "${1:?usage: bench/gen-type-layouts.sh KERNEL_SRC [IMAGE_DIR]}")
KVER=${KVER:-6.1}
# One work directory per version (vmlinux, its header and the probes are kept there).
WORK=$ROOT/bench/work/$KVER
mkdir -p "$WORK"
IMAGE=${2:-$WORK/image}
if ! ls "$IMAGE"/boot/vmlinuz-* >/dev/null 2>&1; then
  # Debian's generic amd64 image of that version (6.1.0-N-amd64, 6.12.N+deb12-amd64):
  # not the cloud or PREEMPT_RT flavours, whose configurations differ.
  PKG=$(apt-cache search --names-only "^linux-image-${KVER//./\\.}[.-][0-9]" \
    | awk '{print $1}' | grep -E -- '-amd64-unsigned$' | grep -vE -- '-(rt|cloud)-amd64' \
    | sort -V | tail -n1)
  (cd "$WORK" && apt-get download "$PKG" && dpkg -x ./"$PKG"_*.deb "$IMAGE")
fi
IMAGE=$(realpath "$IMAGE")
IMAGE_PKG=$(ls "$WORK"/linux-image-*.deb 2>/dev/null | head -n1 || true)
IMAGE_PKG=${IMAGE_PKG:-$IMAGE}
VMLINUX=$WORK/vmlinux
[[ -s "$VMLINUX" ]] || "$KERNEL_SRC"/scripts/extract-vmlinux "$IMAGE"/boot/vmlinuz-* > "$VMLINUX"
HEADER=$WORK/vmlinux-types.h
[[ -s "$HEADER" ]] || pahole -F btf --compile "$VMLINUX" > "$HEADER"

# Every struct and union of vmlinux's BTF that no file under drivers/ defines (a
# driver's own struct is laid out from its definition, and compared with BTF by
# bench/btf-sizes.sh, so it must not come from here), and every typedef.
grep -oE '^(struct|union) [A-Za-z_][A-Za-z0-9_]* \{' "$HEADER" | sed 's/ {$//' | sort -u \
  > "$WORK/hdr-records.txt"
grep -rhoE --include='*.[ch]' '^\s*(struct|union) [A-Za-z_][A-Za-z0-9_]*\s*\{' "$KERNEL_SRC"/drivers \
  | sed -E 's/^\s*//; s/\s*\{$//' | sort -u > "$WORK/drivers-records.txt"
comm -23 "$WORK/hdr-records.txt" "$WORK/drivers-records.txt" > "$WORK/probe-names.txt"
grep -E '^typedef ' "$HEADER" | grep -v '(' \
  | sed -E 's/.*[ *]([A-Za-z_][A-Za-z0-9_]*)(\[[0-9]*\])*;$/\1/' | sort -u >> "$WORK/probe-names.txt"
grep -E '^typedef .*\(\*[A-Za-z_][A-Za-z0-9_]*\)' "$HEADER" \
  | sed -E 's/.*\(\*([A-Za-z_][A-Za-z0-9_]*)\).*/\1/' | sort -u >> "$WORK/probe-names.txt"
# `typedef struct { … } rwlock_t;` spans lines: its name is on the closing one.
grep -oE '^\} [A-Za-z_][A-Za-z0-9_]*;' "$HEADER" | sed -E 's/^\} //; s/;$//' | sort -u \
  >> "$WORK/probe-names.txt"

# Probe every name (sizes plus one: nm lists no empty symbol, and a struct can be
# empty); drop those gcc rejects, until it is content.
for _ in 1 2 3 4 5 6 7 8; do
  awk -v h="$HEADER" 'BEGIN { print "#include \"" h "\"" }
    { printf "char probe_size_%d[sizeof(%s) + 1]; char probe_align_%d[_Alignof(%s)];\n", NR, $0, NR, $0 }' \
    "$WORK/probe-names.txt" > "$WORK/probe.c"
  if gcc -c -o "$WORK/probe.o" "$WORK/probe.c" 2> "$WORK/probe.err"; then
    break
  fi
  # Error lines are probe lines (line 1 is the include): drop those names.
  grep -oE 'probe\.c:[0-9]+' "$WORK/probe.err" | cut -d: -f2 | sort -un \
    | awk '{print $1 - 1}' > "$WORK/bad-lines.txt"
  awk 'NR == FNR { bad[$1] = 1; next } !(FNR in bad)' "$WORK/bad-lines.txt" \
    "$WORK/probe-names.txt" > "$WORK/probe-names.next"
  mv "$WORK/probe-names.next" "$WORK/probe-names.txt"
done

# Module-only types: structs and unions that only modules' BTF has (DRM, V4L2, ALSA,
# mac80211 … are modules in Debian's build), defined in the kernel's own headers
# (include/, arch/x86/include/) and not under drivers/, with one size over all
# modules, and named somewhere in drivers/, sound/, net/ or fs/. Each is probed in a
# module that has it: `pahole --compile` with vmlinux as the base gives that module's
# whole header (5 to 20 s each), so modules are picked greedily, most wanted names
# first, MAX_MODULES of them (the rest of the 700-odd that cover every name add a
# few names each).
MODULE_SIZES=$WORK/module-sizes.tsv
if [[ ! -s "$MODULE_SIZES" ]]; then
  pahole -F btf --sizes "$VMLINUX" | cut -f1 | sort -u > "$WORK/vmlinux-names.txt"
  # Newer images compress their modules (`.ko.xz`, 6.12): pahole reads them unpacked.
  find "$IMAGE"/lib/modules -name '*.ko.xz' | while read -r m; do
    [[ -e "${m%.xz}" ]] || xz -dc "$m" > "${m%.xz}"
  done
  find "$IMAGE"/lib/modules -name '*.ko' | sort | while read -r m; do
    pahole -F btf --btf_base "$VMLINUX" --sizes "$m" 2>/dev/null \
      | awk -v m="$m" 'NR == FNR { v[$1] = 1; next } !($1 in v) { print $1 "\t" $2 "\t" m }' \
        "$WORK/vmlinux-names.txt" -
  done > "$MODULE_SIZES.tmp"
  mv "$MODULE_SIZES.tmp" "$MODULE_SIZES"
fi
MAX_MODULES=${MAX_MODULES:-60}
grep -rhoE --include='*.[ch]' '\b(struct|union) [A-Za-z_][A-Za-z0-9_]*' "$KERNEL_SRC"/drivers \
  "$KERNEL_SRC"/sound "$KERNEL_SRC"/net "$KERNEL_SRC"/fs | awk '{print $2}' | sort -u \
  > "$WORK/used-records.txt"
grep -rhoE --include='*.h' '^\s*(struct|union) [A-Za-z_][A-Za-z0-9_]*\s*\{' \
  "$KERNEL_SRC"/include "$KERNEL_SRC"/arch/x86/include | sed -E 's/^\s*//; s/\s*\{$//' | sort -u \
  > "$WORK/header-records.txt"
# Typedef names of the kernel's headers (`typedef … name;`, `} name;`).
grep -rhoE --include='*.h' '(^typedef [^;(]*[ *]|^\} *)[A-Za-z_][A-Za-z0-9_]*;' \
  "$KERNEL_SRC"/include "$KERNEL_SRC"/arch/x86/include | grep -oE '[A-Za-z_][A-Za-z0-9_]*;$' \
  | tr -d ';' | sort -u > "$WORK/header-typedefs.txt"
python3 - "$MODULE_SIZES" "$WORK/header-records.txt" "$WORK/drivers-records.txt" \
  "$WORK/hdr-records.txt" "$VMLINUX" "$WORK" "$WORK/header-typedefs.txt" "$HEADER" \
  "$WORK/used-records.txt" "$MAX_MODULES" > "$WORK/module-rows.txt" <<'PY'
import collections, os, re, subprocess, sys
(sizes_path, headers_path, drivers_path, vmlinux_records, vmlinux, work, typedefs_path,
 vmlinux_header, used_path, max_modules) = sys.argv[1:]
used = {l.strip() for l in open(used_path)}
TYPEDEF = re.compile(r"^typedef [^(\n]*[ *]([A-Za-z_]\w*)(?:\[\d*\])*;$|^\} ([A-Za-z_]\w*);$", re.M)
def typedefs(text):
    return {a or b for a, b in TYPEDEF.findall(text)}
header_typedefs = {l.strip() for l in open(typedefs_path)}
probed_typedefs = typedefs(open(vmlinux_header).read())
sizes, where = collections.defaultdict(set), collections.defaultdict(list)
for line in open(sizes_path):
    name, size, module = line.rstrip("\n").split("\t")
    sizes[name].add(size)
    where[name].append(module)
in_headers = {}
for line in open(headers_path):
    kind, name = line.split()
    in_headers.setdefault(name, set()).add(kind)
skip = {l.split()[1] for l in open(drivers_path)} | {l.split()[1] for l in open(vmlinux_records)}
wanted = {n for n, s in sizes.items()
          if len(s) == 1 and len(in_headers.get(n, ())) == 1 and n not in skip and n in used}
by_module = collections.defaultdict(set)
for n in wanted:
    for m in where[n]:
        by_module[m].add(n)
rows, left = {}, set(wanted)
for _ in range(int(max_modules)):
    module = max(sorted(by_module), key=lambda m: len(by_module[m] & left))
    names = sorted(by_module[module] & left)
    if not names:
        break
    print(f"{os.path.basename(module)}: {len(names)} names", file=sys.stderr)
    left -= set(names)
    header = os.path.join(work, "module-types.h")
    with open(header, "w") as h:
        subprocess.run(["pahole", "-F", "btf", "--btf_base", vmlinux, "--compile", module],
                       stdout=h, stderr=subprocess.DEVNULL, check=False)
    probes = [f"{next(iter(in_headers[n]))} {n}" for n in names]
    # The module's typedefs of the kernel's headers that vmlinux lacks.
    more = sorted((typedefs(open(header).read()) & header_typedefs) - probed_typedefs)
    probed_typedefs |= set(more)
    probes += more
    for _ in range(8):
        with open(os.path.join(work, "module-probe.c"), "w") as c:
            c.write(f'#include "{header}"\n')
            for i, t in enumerate(probes, 1):
                c.write(f"char probe_size_{i}[sizeof({t}) + 1]; char probe_align_{i}[_Alignof({t})];\n")
        r = subprocess.run(["gcc", "-c", "-o", os.path.join(work, "module-probe.o"),
                            os.path.join(work, "module-probe.c")],
                           capture_output=True, text=True)
        if r.returncode == 0:
            break
        bad = {int(x) - 1 for x in re.findall(r"module-probe\.c:(\d+)", r.stderr)}
        probes = [t for i, t in enumerate(probes, 1) if i not in bad]
    else:
        continue
    nm = subprocess.run(["nm", "-S", "--defined-only", os.path.join(work, "module-probe.o")],
                        capture_output=True, text=True).stdout
    got = collections.defaultdict(dict)
    for line in nm.splitlines():
        f = line.split()
        if len(f) == 4 and f[3].startswith("probe_"):
            _, kind, i = f[3].split("_")
            got[int(i)][kind] = int(f[1], 16) - (kind == "size")
    for i, t in enumerate(probes, 1):
        g = got.get(i, {})
        # The compiler's size must be BTF's: else the header is not that module's.
        if "size" not in g or "align" not in g:
            continue
        # A record's compiled size must be its BTF size: else the header is not the
        # module's. (A typedef's is the compiler's for that module.)
        if " " not in t or str(g["size"]) == next(iter(sizes[t.split()[1]])):
            rows[t] = (g["size"], g["align"])
for t in sorted(rows):
    print(f'"{t}" = [{rows[t][0]}, {rows[t][1]}]')
print(f"{len(rows)} module types from {len(wanted)} wanted", file=sys.stderr)
PY

nm -S --defined-only "$WORK/probe.o" | python3 -c '
import sys
names = [l.rstrip("\n") for l in open(sys.argv[1])]
size, align = {}, {}
for line in sys.stdin:
    f = line.split()
    if len(f) == 4 and f[3].startswith("probe_"):
        _, kind, n = f[3].split("_")
        (size if kind == "size" else align)[int(n)] = int(f[1], 16) - (kind == "size")
for n in size:
    if n in align:
        print(f"\"{names[n - 1]}\" = [{size[n]}, {align[n]}]")
' "$WORK/probe-names.txt" > "$WORK/vmlinux-rows.txt"

OUT=$ROOT/lints/types-x86_64-$KVER.toml
{
  cat <<HEAD
# Layouts [size, alignment] of kernel types that drivers/ does not define, for x86-64,
# Linux $KVER, Debian's configuration ($(basename "$IMAGE_PKG" .deb)).
# Generated by bench/gen-type-layouts.sh from the image's BTF (the compiler's layout:
# vmlinux's types, then the module-only types of the kernel's headers);
# do not edit by hand. Configuration-dependent entries include the locks (spinlock_t
# and raw_spinlock_t are 4 bytes without CONFIG_DEBUG_SPINLOCK/CONFIG_DEBUG_LOCK_ALLOC;
# struct mutex is 32 bytes without CONFIG_DEBUG_MUTEXES), struct device, struct
# kobject (CONFIG_DEBUG_KOBJECT_RELEASE), wait queues and timers (lockdep), and
# anything embedding them. A type a checked file defines itself is laid out from that
# definition, not from here.
[type_layouts]
HEAD
  # vmlinux's layout wins for a name both have.
  cat "$WORK/vmlinux-rows.txt" "$WORK/module-rows.txt" | LC_ALL=C sort -t= -k1,1 -s -u
} > "$OUT"
echo "$(grep -c '^"' "$OUT") types written to $OUT"

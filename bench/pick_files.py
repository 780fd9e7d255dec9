#!/usr/bin/env python3
"""Files for the kernel-tree edit benches (precommit-slice.sh, moved-runs.sh), run in the
tree: N random tracked .c files (SEED), plus N of the .c files that findings point into
(their place or a label), from FINDINGS, a `check --format json .` output of the tree.
Usage: bench/pick_files.py N SEED [FINDINGS]; prints one path a line."""
import json, random, re, subprocess, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
findings = sys.argv[3] if len(sys.argv) > 3 else ""
files = [f for f in subprocess.run(["git", "ls-files", "*.c"], capture_output=True, text=True).stdout.split()
         if not f.startswith(("tools/", "scripts/", "Documentation/", "samples/", "usr/"))]
rng = random.Random(seed)
chosen = rng.sample(files, n)
if findings:
    pointed = set()
    for d in json.load(open(findings))["diagnostics"]:
        pointed.add(d["file"].removeprefix("./"))
        for note in d["notes"]:
            m = re.match(r"(\S+?):\d+:\d+: ", note)
            if m:
                pointed.add(m.group(1).removeprefix("./"))
    pointed = sorted(p for p in pointed if p.endswith(".c"))
    chosen += rng.sample(pointed, min(n, len(pointed)))
print("\n".join(chosen))

#!/usr/bin/env python3
"""Findings that kernel summaries add on a tree: compares two `gfplint check --format
json` runs, one with `--summaries none`, one with summaries; prints the counts (new,
lost, per lint) and writes a random sample of the new findings (Python
`random.Random(SEED).sample`, never picked by hand).

    bench/summaries-new.py WITHOUT.json WITH.json SAMPLE.json [N] [SEED]
"""
import collections
import json
import random
import sys


def key(d):
    return (d["lint"], d["file"], d["line"], d["column"], d["function"])


def main():
    without_path, with_path, sample_path = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 20261202
    without = json.load(open(without_path))["diagnostics"]
    with_ = json.load(open(with_path))["diagnostics"]
    before = {key(d) for d in without}
    after = {key(d) for d in with_}
    new = [d for d in with_ if key(d) not in before]
    lost = [d for d in without if key(d) not in after]
    through_summary = [d for d in new if any(" in `" not in x and x.startswith("in ") for x in d.get("notes", []))
                       or " → " in d["message"]]
    print(f"without: {len(without)} findings; with: {len(with_)}")
    print(f"new: {len(new)} ({len(through_summary)} naming a kernel chain); lost: {len(lost)}")
    for lint, count in sorted(collections.Counter(d["lint"] for d in new).items()):
        print(f"  new {lint}: {count}")
    callees = collections.Counter(d["message"].split("`")[1] for d in new if "`" in d["message"])
    print("  most frequent APIs in new findings:", callees.most_common(15))
    sample = random.Random(seed).sample(new, min(n, len(new)))
    with open(sample_path, "w") as f:
        json.dump(sample, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"sample of {len(sample)} (seed {seed}) written to {sample_path}")


main()

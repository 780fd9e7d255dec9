#!/usr/bin/env python3
"""Scores a gfplint JSON output against reviewed samples.

    bench/review/score.py OUTPUT.json SAMPLE.json SHEET.md [SAMPLE.json SHEET.md ...]

Each SAMPLE.json is a list of findings drawn at random from an earlier run (the
list index is the id); each SHEET.md has one `### <id> ...` section per
reviewed finding (the id may carry a `size#`/`overflow#` prefix) with a `- verdict:`
line and a `- pattern:` line. For every reviewed finding, the script asks whether
OUTPUT still reports it (same file, line and lint) and prints, per lint, the verdicts
of the findings still reported (the precision estimate for OUTPUT, valid when OUTPUT's
findings are a subset of the sampled run's for that lint) and of those dropped
(dropped real findings are losses), then the dropped-false count per pattern.
"""
import collections
import json
import re
import sys


def verdicts(sheet, prefix_of_sample):
    out = {}
    text = open(sheet, encoding="utf-8").read()
    for sec in re.split(r"\n### ", text):
        m = re.match(r"(?:(\w+)#|(O))?(\d+) ", sec)
        if not m:
            continue
        v = re.search(r"verdict:\s*(\w+)", sec)
        p = re.search(r"pattern:\s*([^;\n]*)", sec)
        # `O12` (mid-size.md) is `overflow#12`; an unprefixed section belongs to a
        # size sample, never to an overflow sample sharing the sheet.
        prefix = "overflow" if m.group(2) else m.group(1)
        if prefix is None and prefix_of_sample == "overflow":
            continue
        key = (prefix or prefix_of_sample, int(m.group(3)))
        out[key] = (v.group(1) if v else "?", (p.group(1).strip() if p else "-"))
    return out


def main():
    output = json.load(open(sys.argv[1]))["diagnostics"]
    present = {(d["file"], d["line"], d["lint"]) for d in output}
    kept = collections.defaultdict(collections.Counter)
    dropped = collections.defaultdict(collections.Counter)
    dropped_patterns = collections.Counter()
    lost = []
    pairs = sys.argv[2:]
    for sample_path, sheet in zip(pairs[::2], pairs[1::2]):
        sample = json.load(open(sample_path))
        prefix = "overflow" if "overflow" in sample_path else ("size" if "size" in sample_path else None)
        v = verdicts(sheet, prefix)
        for i, f in enumerate(sample):
            fid = i
            verdict = v.get((prefix, fid)) or v.get((None, fid))
            if verdict is None:
                continue
            still = (f["file"], f["line"], f["lint"]) in present
            (kept if still else dropped)[f["lint"]][verdict[0]] += 1
            if not still and verdict[0] == "false":
                dropped_patterns[verdict[1].split(" ")[0]] += 1
            if not still and verdict[0] == "real":
                lost.append(f"{f['file']}:{f['line']} {f['lint']}")
    print(f"{'lint':26} {'still reported (real/false/unsure)':38} dropped (real/false/unsure)")
    total = collections.Counter()
    for lint in sorted(set(kept) | set(dropped)):
        k, d = kept[lint], dropped[lint]
        total.update(k)
        print(f"{lint:26} {k['real']:4} / {k['false']:4} / {k['unsure']:4}{'':18} {d['real']:4} / {d['false']:4} / {d['unsure']:4}")
    n = total["real"] + total["false"] + total["unsure"]
    if n:
        print(f"precision of what is still reported: {total['real']}/{n} = {100 * total['real'] / n:.0f} %")
    print("dropped false findings by pattern:", dict(dropped_patterns.most_common()))
    print("reviewed-real findings no longer reported:", lost or "none")


if __name__ == "__main__":
    main()

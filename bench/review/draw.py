#!/usr/bin/env python3
"""Draws a random review sample from a gfplint JSON output.

    bench/review/draw.py OUTPUT.json atomic|size N SEED > SAMPLE.json

`atomic`: the atomic-context lints; `size`: every other lint (size, free and
overflow lints). Python's `random.Random(SEED).sample` over the findings in output
order, so the draw is reproducible and never picked by hand.
"""
import json
import random
import sys


def main():
    out = json.load(open(sys.argv[1]))["diagnostics"]
    kind, n, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    pool = [d for d in out if d["lint"].startswith("atomic-") == (kind == "atomic")]
    sample = random.Random(seed).sample(pool, min(n, len(pool)))
    json.dump(sample, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()

"""Benchmark: the language detector (agents/language.py) on the labelled sets.

    .venv/bin/python bench/language.py [--split train|dev] [--misses]

Every labelled text carries its language (`lang: es`, else English). Prints, per group
(customers, people) and language: how many texts the detector calls right, wrong, or leaves
undecided (too short to tell: the language kept so far answers), and the time per text.
The frozen test split is not offered: it is scored only by bench/understanding.py.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.language import detect  # noqa: E402
from tests.understanding.labelled import load_examples  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev"), default=None, help="default: both")
    parser.add_argument("--misses", action="store_true", help="print the texts called wrong")
    args = parser.parse_args()
    splits = (args.split,) if args.split else ("train", "dev")
    examples = [e for split in splits for e in load_examples(split)]
    tally: Counter[tuple[str, str, str]] = Counter()
    started = time.perf_counter()
    for example in examples:
        got = detect(example.text).lang
        verdict = "undecided" if got is None else ("right" if got == example.lang else "wrong")
        tally[(example.group, example.lang, verdict)] += 1
        if args.misses and verdict == "wrong":
            print(f"  [{example.group}/{example.lang}] {example.text!r}")
    per_text = (time.perf_counter() - started) / len(examples) * 1e6
    print(f"language detector on {', '.join(splits)}: {len(examples)} texts, {per_text:.1f} µs per text")
    for group in ("customers", "people", "all"):
        for lang in ("en", "es", "all"):
            counts: Counter[str] = Counter()
            for (g, lg, verdict), n in tally.items():
                if group in ("all", g) and lang in ("all", lg):
                    counts[verdict] += n
            total = sum(counts.values())
            if total:
                decided = counts["right"] + counts["wrong"]
                print(f"  {group:9} {lang:3} n={total:4}  right {counts['right'] / total:6.1%}  "
                      f"wrong {counts['wrong'] / total:6.1%}  undecided {counts['undecided'] / total:6.1%}  "
                      f"right of decided {counts['right'] / decided if decided else 1:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: language understanding on the labelled sets, per engine.

    .venv/bin/python bench/understanding.py [--engine rules|openai] [--split test|dev|dev2|dev3|dev4|dev5|train] [--misses]
    .venv/bin/python bench/understanding.py --set-dir DIR      any directory of labelled files

Runs every labelled message of a split (tests/understanding/labelled.py says where each
lives; the test split is the frozen one) through the engine and prints intent accuracy for
customers and for the tenant's people (staff, managers, owners) separately, and for Spanish,
accuracy per intent, entity accuracy (every labelled field right, and nothing unlabelled),
service-and-time accuracy on booking messages, the share of texts on which Onward would have
changed state on a misreading (done, cancel, excuse, reassign, a reading kept), latency
p50/p99 per message, and how many answers fell back to the rules engine (openai) and why.
Files in --set-dir use the format of tests/understanding/LABELLING.md and name their tenant
(a file of tests/tenants/).

--engine openai talks to OPENAI_BASE_URL with OPENAI_API_KEY and OPENAI_MODEL, or, when
OPENAI_BASE_URL is not set, to the local chat-completions server the tests use
(tests/understanding/chat_server.py) answering from the labels (tests/understanding/oracle.py):
that measures the engine's plumbing, validation, fallbacks and overhead, not a model's
judgement. --faults 0.1 breaks one answer in ten (bad JSON, refusal, error, too slow).
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.understanding.labelled import (SPLITS, Example, Score, is_seen, load_examples, load_set,  # noqa: E402
                                         tenant_named)

WARMUP = 20


def main() -> int:
    args = _arguments()
    logging.getLogger("agents.understanding.engine").setLevel(logging.ERROR)  # counted below instead
    examples = load_set(Path(args.set_dir)) if args.set_dir else load_examples(args.split)
    if args.group != "all":
        examples = [e for e in examples if e.group == args.group]
    with _engine(args.engine, examples, args.faults) as understand:
        for example in examples[:WARMUP]:
            understand(example)
        score, times, cpu, fallbacks, tokens = Score(), [], [], Counter(), 0
        for example in examples:
            started, cpu_started = time.perf_counter(), time.thread_time()
            got = understand(example)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
            score.add(example, got, seen=None if args.split == "train" and not args.set_dir else is_seen(example))
            if getattr(got, "fallback", None):
                fallbacks[got.fallback] += 1
            tokens += getattr(got, "tokens", 0) or 0
    _report(args.engine, score, times, cpu if args.engine == "rules" else None, fallbacks, tokens, args.misses)
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("rules", "openai"), default="rules")
    parser.add_argument("--split", choices=("test", *(name for name in SPLITS if name != "test")), default="test",
                        help="test: the frozen split (the figures that count); train: what the classifier learned")
    parser.add_argument("--set-dir", help="score every labelled file in this directory instead of a split")
    parser.add_argument("--group", choices=("customers", "people", "all"), default="all")
    parser.add_argument("--misses", action="store_true", help="print every message read wrong")
    parser.add_argument("--faults", type=float, default=0.0,
                        help="openai on the local server: this share of answers is broken (bad JSON, "
                             "refusals, errors, too slow), to measure the fallbacks")
    return parser.parse_args()


class _Rules:
    """The rules engine, in this process."""

    def __init__(self, examples: list[Example]):
        from agents.understanding.engine import Understander
        from agents.understanding.named_days import load_calendars

        self.engine = Understander()
        for year in {e.now.year for e in examples}:  # as runtime.py does at start
            load_calendars({tenant_named(e.tenant).country for e in examples}, year)

    def __enter__(self):
        return lambda e: ask(tenant_named(e.tenant), self.engine, e)

    def __exit__(self, *exc) -> None:
        return None


def ask(tenant, engine, example: Example):
    from agents.understanding import understand

    person = tenant.person(example.sender) if example.sender else None
    return understand(tenant, example.text, example.now, example.recent, person=person,
                      has_media=example.media, engine=engine)


def _engine(name: str, examples: list[Example], faults: float):
    if name == "rules":
        return _Rules(examples)
    from tests.understanding.oracle import OpenAIBench

    return OpenAIBench(examples, faults, ask)


def _report(engine: str, score: Score, times: list[float], cpu: list[float] | None, fallbacks: Counter,
            tokens: int, misses: bool) -> None:
    print(f"engine: {engine}   messages: {score.total}")
    print(f"{'intent':<14}{'right':>7}{'of':>5}{'accuracy':>10}")
    for intent, tally in sorted(score.per_intent.items()):
        print(f"{intent:<14}{tally.right:>7}{tally.total:>5}{tally.share:>10.1%}")
    for key, label in (("all", "intent accuracy"), ("customers", "  customers"), ("people", "  staff and owners"),
                       ("lang:es", "  Spanish"), ("unseen", "  unseen in training")):
        tally = score.intent[key]
        if tally.total:
            print(f"{label:<25}{tally.share:.1%}  ({tally.right} of {tally.total})")
    print(f"entity accuracy          {score.entity_accuracy:.1%}  (every labelled field right)")
    print(f"booking service+time     {score.booking_accuracy:.1%}  ({score.booking.total} book/reschedule messages)")
    print(f"  service+time alone     {score.booking_slots.share:.1%}  (book and reschedule not told apart)")
    print(f"changed state, misread   {score.misread_rate:.2%}  ({score.changed.right} of {score.total})")
    print(f"latency  {_percentiles(times)}")
    if cpu is not None:  # this thread's CPU time: the engine's own cost, without waiting for a core
        print(f"cpu time {_percentiles(cpu)}")
    print(f"fallbacks to rules       {sum(fallbacks.values())}" +
          (f"  ({', '.join(f'{k}: {v}' for k, v in fallbacks.most_common())})" if fallbacks else ""))
    if tokens:
        print(f"tokens                   {tokens} ({tokens / score.total:.0f} a message)")
    if misses:
        print("\n".join(["", "misses:", *score.misses, "", "state changed on a misreading:", *score.misreads]))


def _percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):.3f} ms   p99 {p99:.3f} ms   max {ordered[-1]:.3f} ms"


if __name__ == "__main__":
    sys.exit(main())

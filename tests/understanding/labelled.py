"""The labelled sets and their scoring, shared by the table tests and bench/understanding.py.

    train   agents/understanding/corpus/       what the classifier learns (and the rules were tuned on)
    dev     tests/understanding/sets/dev/      held out, looked at while improving the engine
    dev2    tests/understanding/sets/dev2/     a second held-out set by fresh authors, after dev was tuned on
    test    tests/understanding/sets/test/     frozen: written apart from the code, never tuned on
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from agents.understanding.examples import CORPUS, load_labelled
from agents.understanding.result import STATE_CHANGING, Understanding
from config.loader import load_file
from config.schema import Tenant

HERE = Path(__file__).resolve().parent
TENANTS = HERE.parent / "tenants"
SETS = HERE / "sets"
SPLITS = {"train": CORPUS, **{name: SETS / name for name in ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "test")}}
ENTITIES = ("service", "day", "time", "period", "at", "faq", "task", "number", "person", "code", "pick")
BOOKING = ("book", "reschedule")


@dataclass(frozen=True)
class Example:
    group: str  # customers | people
    text: str
    intent: str
    expected: dict[str, Any]
    now: datetime
    recent: tuple[str, ...] = ()
    sender: str | None = None  # a person id, for staff and owner texts
    media: bool = False
    lang: str = "en"
    tenant: str = "harbor-barbers"


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right, self.total = self.right + ok, self.total + 1

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Score:
    intent: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # by group, lang, "all"
    per_intent: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    entities: Tally = field(default_factory=Tally)
    booking: Tally = field(default_factory=Tally)  # intent, service and time all right
    booking_slots: Tally = field(default_factory=Tally)  # service and time right, book or move alike
    changed: Tally = field(default_factory=Tally)  # state changed on a misreading, of all texts
    misses: list[str] = field(default_factory=list)
    misreads: list[str] = field(default_factory=list)

    def add(self, example: Example, got: Understanding, seen: bool | None = None) -> None:
        """`seen`: whether the text is also in the training split (None: not asked, as for train)."""
        intent_ok, entities_ok = got.intent == example.intent, entities_match(example, got)
        split = () if seen is None else ("seen" if seen else "unseen",)
        for key in ("all", example.group, f"lang:{example.lang}", *split):
            self.intent[key].add(intent_ok)
        self.per_intent[example.intent].add(intent_ok)
        self.entities.add(entities_ok)
        if example.intent in BOOKING:
            self.booking.add(intent_ok and _booking_entities_match(example, got))
            self.booking_slots.add(_booking_entities_match(example, got))
        misread = changes_state_wrongly(example, got)
        self.changed.add(misread)  # "right" counts the misreadings here
        if misread:
            self.misreads.append(f"{example.text!r}: expected {example.intent} {_brief_expected(example)}, "
                                 f"acted on {brief(got)}")
        if not (intent_ok and entities_ok):
            self.misses.append(f"[{example.group}] {example.text!r}: expected {example.intent} "
                               f"{_brief_expected(example)}, got {brief(got)}")

    @property
    def total(self) -> int:
        return self.intent["all"].total

    @property
    def intent_accuracy(self) -> float:
        return self.intent["all"].share

    @property
    def entity_accuracy(self) -> float:
        return self.entities.share

    @property
    def booking_accuracy(self) -> float:
        return self.booking.share

    @property
    def misread_rate(self) -> float:
        return self.changed.right / self.changed.total if self.changed.total else 0.0


# What each state change acts on, beside the intent: a wrong one changes the wrong thing.
ACTED_ON = {"done": ("number", "task", "code"), "cancel": (), "excuse": ("task", "code"),
            "reassign": ("person", "task", "code")}


def changes_state_wrongly(example: Example, got: Understanding) -> bool:
    """Onward would act (done, cancel, excuse, reassign, a reading kept) on a reading that is wrong."""
    if got.intent not in STATE_CHANGING:
        return False
    if got.intent != example.intent:
        return True
    want = example.expected
    return any(getattr(got, name) is not None and getattr(got, name) != want[name]
               for name in ACTED_ON[got.intent])


@lru_cache(maxsize=1)
def seen_texts() -> frozenset[tuple[str, str | None]]:
    """The training split's texts (and senders): a test text among them was seen, not read anew."""
    return frozenset((e.text.casefold(), e.sender) for e in load_examples("train"))


def is_seen(example: Example) -> bool:
    return (example.text.casefold(), example.sender) in seen_texts()


def harbor() -> Tenant:
    return tenant_named("harbor-barbers")


@lru_cache(maxsize=8)
def tenant_named(name: str) -> Tenant:
    return load_file(TENANTS / f"{name}.yaml", {"HARBOR_API_TOKEN": "labelled-set-token",
                                                "NORTH_API_TOKEN": "labelled-set-token"})


def load_examples(split: str) -> list[Example]:
    return load_set(SPLITS[split])


def load_set(path: Path) -> list[Example]:
    """Every labelled file in a directory (or one file), in the format of LABELLING.md."""
    return [_example(item) for item in load_labelled(path)]


def _example(item) -> Example:
    expected = {name: _value(name, item.labels.get(name)) for name in ENTITIES}
    return Example(group=item.group, text=item.text, intent=item.intent, expected=expected, now=item.now,
                   recent=item.recent, sender=item.sender, media=item.media, lang=item.lang,
                   tenant=item.tenant or "harbor-barbers")


def _value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "time":
        return time.fromisoformat(str(value))
    if name == "at":
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if name == "day" and not isinstance(value, date):
        return date.fromisoformat(str(value))
    if name == "number":
        return float(value)
    if name in ("code", "pick"):
        return int(value)
    return value


def entities_match(example: Example, got: Understanding) -> bool:
    return all(getattr(got, name) == want for name, want in example.expected.items())


def _booking_entities_match(example: Example, got: Understanding) -> bool:
    return all(getattr(got, name) == example.expected[name] for name in ("service", "day", "time", "period", "at"))


def _brief_expected(example: Example) -> dict[str, Any]:
    return {k: v for k, v in example.expected.items() if v is not None}


def brief(got: Understanding) -> str:
    fields = {name: getattr(got, name) for name in ("intent", *ENTITIES) if getattr(got, name) is not None}
    return ", ".join(f"{k}={v}" for k, v in fields.items()) + f" ({got.confidence:.2f})"

"""The labelled message sets and their scoring, shared by the table tests and bench/understanding.py."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from agents.understanding.result import Understanding
from config.loader import load_file
from config.schema import Tenant

HERE = Path(__file__).resolve().parent
TENANTS = HERE.parent / "tenants"
SETS = {"customer": HERE / "customer_messages.yaml", "staff": HERE / "staff_messages.yaml"}
ENTITIES = ("service", "day", "time", "period", "at", "faq", "task", "number", "person", "code", "pick")
BOOKING = ("book", "reschedule")


@dataclass(frozen=True)
class Example:
    kind: str  # customer | staff
    text: str
    intent: str
    expected: dict[str, Any]
    now: datetime
    recent: tuple[str, ...] = ()
    sender: str | None = None  # a person id, for staff and owner texts
    media: bool = False


@dataclass
class Score:
    total: int = 0
    intent_right: int = 0
    entities_right: int = 0
    booking: int = 0
    booking_right: int = 0
    per_intent: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)

    def add(self, example: Example, got: Understanding) -> None:
        self.total += 1
        intent_ok = got.intent == example.intent
        entities_ok = entities_match(example, got)
        self.intent_right += intent_ok
        self.entities_right += entities_ok
        self.per_intent[example.intent][1] += 1
        self.per_intent[example.intent][0] += intent_ok
        if example.intent in BOOKING:
            self.booking += 1
            self.booking_right += entities_ok
        if not (intent_ok and entities_ok):
            self.misses.append(f"{example.text!r}: expected {example.intent} {example.expected}, got {brief(got)}")

    @property
    def intent_accuracy(self) -> float:
        return self.intent_right / self.total if self.total else 0.0

    @property
    def entity_accuracy(self) -> float:
        return self.entities_right / self.total if self.total else 0.0

    @property
    def booking_accuracy(self) -> float:
        return self.booking_right / self.booking if self.booking else 1.0


def harbor() -> Tenant:
    return load_file(TENANTS / "harbor-barbers.yaml", {"HARBOR_API_TOKEN": "labelled-set-token"})


def load_examples(kind: str) -> list[Example]:
    data = yaml.safe_load(SETS[kind].read_text())
    now = datetime.fromisoformat(data["now"])
    return [_example(kind, item, now) for item in data["messages"]]


def _example(kind: str, item: dict[str, Any], now: datetime) -> Example:
    expected = {name: _value(name, item.get(name)) for name in ENTITIES}
    return Example(kind=kind, text=str(item["text"]), intent=item["intent"], expected=expected, now=now,
                   recent=tuple(item.get("recent", ())), sender=item.get("from"), media=item.get("media", False))


def _value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "time":
        return time.fromisoformat(str(value))
    if name == "at":
        return datetime.fromisoformat(str(value))
    if name == "day" and not isinstance(value, date):
        return date.fromisoformat(str(value))
    if name == "number":
        return float(value)
    if name in ("code", "pick"):
        return int(value)
    return value


def entities_match(example: Example, got: Understanding) -> bool:
    return all(getattr(got, name) == want for name, want in example.expected.items())


def brief(got: Understanding) -> str:
    fields = {name: getattr(got, name) for name in ("intent", *ENTITIES) if getattr(got, name) is not None}
    return ", ".join(f"{k}={v}" for k, v in fields.items())

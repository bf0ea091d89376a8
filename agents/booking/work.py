"""What the customer chain's agents hand each other within one interaction (never stored;
what must outlive the interaction is in the conversation slots, see slots.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from agents.understanding.result import Understanding
from store.models import Booking, Customer


@dataclass(frozen=True)
class Plan:
    """What the decision agent settled on; the action agent carries it out and the
    communication agent says it. `kind` picks the handler in each (see decision.py)."""

    kind: str
    service: str | None = None  # a service id
    start: datetime | None = None  # the exact time offered or taken
    booking_id: int | None = None  # the booking concerned: held, moved, cancelled
    starts: tuple[datetime, ...] = ()  # alternatives offered, numbered
    bookings: tuple[int, ...] = ()  # a customer's bookings to pick from
    reason: str | None = None  # why a wished time can't be had (availability.verdict, or past_day)
    day: date | None = None  # the day asked about
    text: str | None = None  # an answer taken from the config


@dataclass
class Work:
    heard: Understanding | None = None
    intent: str = "unclear"  # the understood intent, or pick / name / visit from the state
    pick: int | None = None  # "2" answering a numbered list
    name: str | None = None  # "this is Sam"
    customer: Customer | None = None
    upcoming: list[Booking] = field(default_factory=list)
    plan: Plan | None = None
    booking: Booking | None = None  # the booking the action wrote or changed
    result: str | None = None  # what the action did: held, confirmed, awaiting_deposit, moved...
    moved_from: datetime | None = None  # a moved booking's old time
    ask_name: bool = False  # a new customer's name is asked with this reply
    lang: str = "en"  # the language the customer is answered in (agents/language.py)
    question: str | None = None  # an earlier question the customer now wants the team asked

"""What an understanding engine makes of one text: a typed result, whichever engine answered.

The rules engine is the default; a model engine may propose the same fields. Nothing
here is trusted yet: the decision agents check every field against the tenant's config.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

# Customer intents. Staff and owner intents are added by the engines that read them.
CUSTOMER_INTENTS = ("book", "reschedule", "cancel", "hours", "prices", "faq", "operator",
                    "confirm", "decline", "unclear")
PERIODS = ("morning", "afternoon", "evening")


@dataclass(frozen=True)
class Understanding:
    intent: str
    service: str | None = None  # a service id of the tenant
    day: date | None = None  # "tomorrow", "Fri", "the 12th"
    time: time | None = None  # "3pm", "at 3", "noon"
    period: str | None = None  # one of PERIODS: "next Tuesday afternoon"
    at: datetime | None = None  # an exact moment, aware, in the tenant's zone: "in 2 hours"
    faq: str | None = None  # the `q` of the tenant's faq entry asked about
    task: str | None = None  # a task id (staff texts)
    number: float | None = None  # a reading (staff texts)
    person: str | None = None  # a person id (owner texts)
    confidence: float = 1.0
    engine: str = "rules"

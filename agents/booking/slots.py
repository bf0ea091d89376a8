"""The customer's conversation slots: what outlives one text, as plain JSON.

    want      {"service", "day", "time", "period"}   what they asked for so far
    moving    booking id                              the booking they're moving
    offer     {"hold", "start", "service"}            a held time waiting for YES
    choices   {"starts": [ISO], "service"}            numbered alternatives sent
    which     {"bookings": [ids], "action"}           "which booking?" sent
    name_for  booking id                              their name was asked
    ask_team  {"q"}                                   "want me to ask the team?" sent about q
    missed    [text]                                  texts in a row not understood
    lang      "en" | "es"                             the language they are answered in
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time
from typing import Any

BOOKING_KEYS = ("want", "moving", "offer", "choices", "which")
STATES = (("offer", "confirming"), ("choices", "choosing"), ("which", "picking_booking"),
          ("name_for", "naming"), ("ask_team", "asking_team"), ("want", "booking"), ("moving", "booking"))


@dataclass(frozen=True)
class Want:
    service: str | None = None
    day: date | None = None
    time: time | None = None
    period: str | None = None

    def updated(self, **given: Any) -> Want:
        """This want with the fields given (None leaves a field as it was)."""
        return replace(self, **{k: v for k, v in given.items() if v is not None})

    @property
    def empty(self) -> bool:
        return self == Want()


def want_of(slots: dict) -> Want:
    raw = slots.get("want") or {}
    return Want(service=raw.get("service"),
                day=date.fromisoformat(raw["day"]) if raw.get("day") else None,
                time=time.fromisoformat(raw["time"]) if raw.get("time") else None,
                period=raw.get("period"))


def put_want(slots: dict, want: Want) -> None:
    raw = asdict(want)
    raw["day"] = want.day.isoformat() if want.day else None
    raw["time"] = want.time.strftime("%H:%M") if want.time else None
    slots["want"] = raw


def starts_of(raw: dict | None, key: str = "starts") -> list[datetime]:
    return [datetime.fromisoformat(s) for s in (raw or {}).get(key, [])]


def state_of(slots: dict) -> str:
    return next((state for key, state in STATES if slots.get(key) is not None), "idle")


def end_booking_talk(slots: dict) -> None:
    for key in BOOKING_KEYS:
        slots.pop(key, None)

"""The tenant file format as typed, frozen objects (see shared/examples/harbor-barbers.yaml).

Field-level rules live here; rules that relate one part of a file to another
(a task's owner must be a person, the owner ends every chain...) are in checks.py.
"""
from __future__ import annotations

import re
from datetime import time, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from dateutil.rrule import rrulestr
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag,
                      field_validator)

DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[str, ...] = get_args(Day)
ProofWord = Literal["photo", "text", "none"]
PROOF_WORDS: tuple[str, ...] = get_args(ProofWord)


def parse_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration like 30s, 15m, 2h or 1d")
    amount, unit = match.groups()
    return timedelta(**{DURATION_UNITS[unit]: int(amount)})


def parse_clock(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML reads an unquoted 9:30 as the number 570
        raise ValueError(f"{value!r} is not a time like 09:00 (put times in quotes: \"9:30\")")
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a time like 09:00")
    return time(int(match[1]), int(match[2]))


def parse_clock_range(value: object) -> tuple[time, time]:
    start, sep, end = str(value).partition("-")
    if not sep:
        raise ValueError(f"{value!r} is not a range like 09:00-17:00")
    return parse_clock(start), parse_clock(end)


def parse_opening_hours(value: object) -> tuple[time, time] | str:
    """ "closed", or an opening and a closing time on the same day."""
    if value == "closed":
        return value
    try:
        opens, closes = parse_clock_range(value)
    except ValueError:
        raise ValueError(f"{value!r} is not opening hours like 09:00-17:00, or closed") from None
    if closes <= opens:
        raise ValueError(f"{value!r} closes before it opens")
    return opens, closes


def days_of(key: str) -> tuple[str, ...]:
    """The days an hours key covers: "sat" -> (sat,), "mon-fri" -> (mon..fri); "sat-mon" wraps."""
    first, _, last = key.partition("-")
    start, end = DAYS.index(first), DAYS.index(last or first)
    return tuple(DAYS[(start + i) % 7] for i in range((end - start) % 7 + 1))


def check_days(value: str) -> str:
    day = "|".join(DAYS)
    if not re.fullmatch(rf"({day})(-({day}))?", value):
        raise ValueError(f"{value!r} is not a day (mon..sun) or a range of days like mon-fri")
    return value


def _matching(pattern: str, what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not re.fullmatch(pattern, value):
            raise ValueError(f"{value!r} is not {what}")
        return value
    return AfterValidator(check)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
ClockRange = Annotated[tuple[time, time], BeforeValidator(parse_clock_range)]
OpeningHours = Annotated[tuple[time, time] | Literal["closed"], BeforeValidator(parse_opening_hours)]
DayRange = Annotated[str, AfterValidator(check_days)]
Id = Annotated[str, _matching(r"[a-z0-9][a-z0-9_-]*", "an id: lowercase letters, digits, - and _")]
TenantId = Annotated[str, _matching(r"[a-z0-9][a-z0-9-]*", "a tenant id: lowercase letters, digits and -")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(Frozen):
    id: Id
    name: str = Field(min_length=1)
    phone: str
    role: str = "staff"
    quiet_hours: ClockRange | None = None


class EscalationStep(Frozen):
    notify: str
    wait: Duration | None = None
    urgent: bool = False

    @field_validator("notify")
    @classmethod
    def known_target(cls, value: str) -> str:
        if value in ("assignee", "backup", "owner"):
            return value
        kind, _, name = value.partition(":")
        if kind in ("role", "person") and name:
            return value
        raise ValueError(f"{value!r} is not assignee, backup, owner, role:NAME or person:ID")


class NumberProof(Frozen):
    min: float | None = None
    max: float | None = None
    unit: str = ""


class ProofRule(Frozen):
    number: NumberProof


def check_proof(value: object) -> object:
    if value in PROOF_WORDS or isinstance(value, (dict, ProofRule)):
        return value
    raise ValueError(f"{value!r} is not a proof: use photo, text, none or {{number: {{min, max, unit}}}}")


def _proof_kind(value: object) -> str:
    return "rule" if isinstance(value, (dict, ProofRule)) else "word"


# One branch is chosen by the value's shape, so a bad proof gets one clear error.
Proof = Annotated[
    Annotated[ProofWord, Tag("word")] | Annotated[ProofRule, Tag("rule")],
    Discriminator(_proof_kind),
    BeforeValidator(check_proof),
]


class Task(Frozen):
    id: Id
    title: str = Field(min_length=1)
    cadence: str
    due: Duration
    owner: str
    backup: str | None = None
    steps: tuple[str, ...] = ()
    proof: Proof = "none"
    escalation: str = "default"

    @field_validator("cadence")
    @classmethod
    def valid_cadence(cls, value: str) -> str:
        if value.upper().startswith("RRULE:"):
            try:
                rrulestr(value)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{value!r} is not a valid RRULE: {exc}") from None
        elif not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a valid cron expression")
        return value


class Service(Frozen):
    id: Id
    name: str = Field(min_length=1)
    duration: Duration
    price: Decimal = Field(ge=0)
    deposit: Decimal = Field(default=Decimal(0), ge=0)
    aliases: tuple[str, ...] = ()


class Booking(Frozen):
    chairs: int = Field(default=1, ge=1)
    slot_step: Duration = timedelta(minutes=15)
    buffer: Duration = timedelta(0)
    min_notice: Duration = timedelta(hours=2)
    horizon: Duration = timedelta(days=30)
    hold: Duration = timedelta(minutes=10)
    reminder: Duration = timedelta(hours=24)
    cancel_cutoff: Duration = timedelta(hours=12)


class Integrations(Frozen):
    calendar: Literal["builtin"] = "builtin"
    crm: Literal["builtin"] = "builtin"
    payments: Literal["none"] = "none"


Clock = Annotated[time, BeforeValidator(parse_clock)]


class Digest(Frozen):
    day: Day = "mon"
    time: Clock = time(8, 0)


class Faq(Frozen):
    q: str = Field(min_length=1)
    a: str = Field(min_length=1)


class Tenant(Frozen):
    tenant: TenantId
    name: str = Field(min_length=1)
    timezone: str
    country: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    numbers: tuple[str, ...] = Field(min_length=1)
    api_token: str = Field(min_length=8)
    operator: str | None = None
    people: tuple[Person, ...] = ()
    escalation: dict[str, tuple[EscalationStep, ...]] = {}
    tasks: tuple[Task, ...] = ()
    services: tuple[Service, ...] = ()
    hours: dict[DayRange, OpeningHours] = {}
    booking: Booking = Booking()
    integrations: Integrations = Integrations()
    digest: Digest = Digest()
    faq: tuple[Faq, ...] = ()
    help: str = Field(default="", max_length=320)

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone such as America/New_York") from None
        return value

    @field_validator("hours")
    @classmethod
    def each_day_once(cls, value: dict[str, Any]) -> dict[str, Any]:
        given: dict[str, str] = {}
        for key in value:
            for day in days_of(key):
                if day in given:
                    raise ValueError(f"{day} is given twice, in {given[day]!r} and {key!r}")
                given[day] = key
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def person_by_phone(self, phone: str) -> Person | None:
        return next((p for p in self.people if p.phone == phone), None)

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

"""The tenant file format as typed, frozen objects (see shared/examples/harbor-barbers.yaml).

Field-level rules live here; rules that relate one part of a file to another
(a task's owner must be a person, the owner ends every chain...) are in checks.py.
"""
from __future__ import annotations

import re
from datetime import time, timedelta
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from dateutil.rrule import rrulestr
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration like 30s, 15m, 2h or 1d")
    amount, unit = match.groups()
    return timedelta(**{DURATION_UNITS[unit]: int(amount)})


def parse_clock(value: str) -> time:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time like 09:00")
    return time(int(match[1]), int(match[2]))


def parse_clock_range(value: object) -> tuple[time, time]:
    start, sep, end = str(value).partition("-")
    if not sep:
        raise ValueError(f"{value!r} is not a range like 09:00-17:00")
    return parse_clock(start), parse_clock(end)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
ClockRange = Annotated[tuple[time, time], BeforeValidator(parse_clock_range)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
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


Proof = Literal["photo", "text", "none"] | ProofRule


class Task(Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
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
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
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


Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Clock = Annotated[time, BeforeValidator(parse_clock)]


class Digest(Frozen):
    day: Day = "mon"
    time: Clock = time(8, 0)


class Faq(Frozen):
    q: str = Field(min_length=1)
    a: str = Field(min_length=1)


class Tenant(Frozen):
    tenant: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
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
    hours: dict[str, ClockRange | Literal["closed"]] = {}
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
    def known_days(cls, value: dict) -> dict:
        for key in value:
            for day in str(key).split("-"):
                if day not in Day.__args__:
                    raise ValueError(f"{key!r}: days are mon..sun, alone or as a range like mon-fri")
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

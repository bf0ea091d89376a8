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
                      field_validator, model_validator)

DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[str, ...] = get_args(Day)
ProofWord = Literal["photo", "text", "none"]
# Whom POST /api/v1/interactions may speak for: the business's customers, and its own
# people (staff, managers, owner) only when the tenant file says so.
ApiSpeaksFor = Literal["customers", "people"]
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
    by: Literal["text", "call"] = "text"  # call: a phone call answered with the keypad

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
    words: tuple[str, ...] = ()  # other words people use for it: "drawer", "till" for a cash count

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


# What a CRM request's url and body may name; integrations/crm/http.py fills them in.
CRM_PLACEHOLDERS = frozenset({
    "customer.id", "customer.name", "customer.phone", "customer.external_id",
    "booking.id", "booking.service", "booking.service_name", "booking.start", "booking.end",
    "booking.state", "booking.change", "booking.price", "booking.deposit", "tenant.id", "tenant.name",
})
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_placeholders(value: Any) -> Any:
    for text in _strings(value):
        for name in PLACEHOLDER.findall(text):
            if name not in CRM_PLACEHOLDERS:
                known = ", ".join(f"{{{p}}}" for p in sorted(CRM_PLACEHOLDERS))
                raise ValueError(f"{{{name}}} is not a placeholder; use {known}")
    return value


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def check_http_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^/\s{}]+(/\S*)?", value):
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value


HttpUrl = Annotated[str, AfterValidator(check_http_url)]
Template = Annotated[dict[str, Any], AfterValidator(check_placeholders)]
HeaderName = Annotated[str, _matching(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", "an HTTP header name")]


class HttpCrm(Frozen):
    """A CRM reached by one HTTP request per booking change (integrations/crm/http.py)."""

    method: Literal["POST", "PUT", "PATCH"] = "POST"
    url: Annotated[HttpUrl, AfterValidator(check_placeholders)]
    headers: dict[HeaderName, str] = {}
    body: Template
    id_field: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
    idempotency_header: HeaderName = "Idempotency-Key"
    timeout: Duration = timedelta(seconds=10)

    @field_validator("timeout")
    @classmethod
    def sane_timeout(cls, value: timedelta) -> timedelta:
        if not timedelta(seconds=1) <= value <= timedelta(seconds=60):
            raise ValueError("should be between 1s and 60s")
        return value


class OutsideCrm(Frozen):
    http: HttpCrm


class StripePayments(Frozen):
    """Deposits paid through Stripe Checkout (integrations/payments/stripe.py)."""

    secret_key: Annotated[str, _matching(r"(sk|rk)_\S+", "a Stripe secret key (sk_... or rk_...)")]
    webhook_secret: Annotated[str, _matching(r"whsec_\S+", "a Stripe webhook signing secret (whsec_...)")]
    currency: str = Field(default="usd", pattern=r"^[a-z]{3}$")
    pay_within: Duration = timedelta(minutes=30)
    success_url: HttpUrl | None = None
    cancel_url: HttpUrl | None = None

    @field_validator("pay_within")
    @classmethod
    def checkout_lifetime(cls, value: timedelta) -> timedelta:
        # Stripe lets a Checkout Session live between 30 minutes and 24 hours.
        if not timedelta(minutes=30) <= value <= timedelta(hours=24):
            raise ValueError("should be between 30m and 24h (how long Stripe keeps a checkout open)")
        return value


class PaymentsProvider(Frozen):
    stripe: StripePayments


def _word_or_mapping(words: tuple[str, ...], what: str) -> BeforeValidator:
    def check(value: object) -> object:
        if value in words or isinstance(value, (dict, BaseModel)):
            return value
        raise ValueError(f"{value!r} is not {what}")
    return BeforeValidator(check)


def _shape(value: object) -> str:
    return "word" if isinstance(value, str) else "mapping"


CrmChoice = Annotated[
    Annotated[Literal["builtin"], Tag("word")] | Annotated[OutsideCrm, Tag("mapping")],
    Discriminator(_shape),
    _word_or_mapping(("builtin",), "a CRM: builtin, or {http: {method, url, headers, body, id_field}}"),
]
PaymentsChoice = Annotated[
    Annotated[Literal["none"], Tag("word")] | Annotated[PaymentsProvider, Tag("mapping")],
    Discriminator(_shape),
    _word_or_mapping(("none",), "a payments provider: none, or {stripe: {secret_key, webhook_secret}}"),
]


class Integrations(Frozen):
    calendar: Literal["builtin"] = "builtin"
    crm: CrmChoice = "builtin"
    payments: PaymentsChoice = "none"

    @property
    def http_crm(self) -> HttpCrm | None:
        return self.crm.http if isinstance(self.crm, OutsideCrm) else None

    @property
    def stripe(self) -> StripePayments | None:
        return self.payments.stripe if isinstance(self.payments, PaymentsProvider) else None


Clock = Annotated[time, BeforeValidator(parse_clock)]


class Digest(Frozen):
    day: Day = "mon"
    time: Clock = time(8, 0)


# The intents of agents/understanding/result.py, which a tenant's own example texts may name.
CUSTOMER_INTENT_NAMES = ("book", "reschedule", "cancel", "hours", "prices", "faq", "operator", "confirm",
                         "decline", "unclear")
PEOPLE_INTENT_NAMES = ("done", "tasks", "steps", "skip", "not_yet", "question", "take", "excuse", "reassign",
                       "today", "findings", "acknowledge", "unclear")


class Example(Frozen):
    """A text as this business's customers or people write it, and what it asks: read like it."""
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    text: str = Field(min_length=1, max_length=320)
    intent: str
    sender: str | None = Field(default=None, alias="from")  # a person id; absent for a customer

    @model_validator(mode="after")
    def known_intent(self) -> "Example":
        names = CUSTOMER_INTENT_NAMES if self.sender is None else PEOPLE_INTENT_NAMES
        if self.intent not in names:
            who = "a customer's" if self.sender is None else "a person's"
            raise ValueError(f"{self.intent!r} is not {who} intent: one of {', '.join(names)}")
        return self


class Voice(Frozen):
    """How calls are taken: `gather` (the default) answers each turn of a call as a webhook with
    <Gather>; `relay` streams the call over a ConversationRelay WebSocket (/twilio/relay)."""
    mode: Literal["gather", "relay"] = "gather"


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
    api_scope: tuple[ApiSpeaksFor, ...] = ("customers",)
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
    # rules-first: the model (when OPENAI_API_KEY is set) reads only what the rules are unsure of
    understanding: Literal["rules-first", "model-first"] = "rules-first"
    # optional: this business's own ways of saying things, read like them (agents/understanding/blend.py)
    examples: tuple[Example, ...] = ()
    # optional: where customers book online; texted to a caller the phone couldn't hear
    booking_url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=200)
    voice: Voice = Voice()
    # optional: the tenant's own wording of customer texts, by language and template name
    # ({es: {offer: "..."}}); agents/templates/en.py lists the names and their {fields}
    templates: dict[str, dict[str, Annotated[str, Field(min_length=1, max_length=320)]]] = {}

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone such as America/New_York") from None
        return value

    @field_validator("api_scope")
    @classmethod
    def speaks_for_someone(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name whom the API speaks for: [customers], or [customers, people]")
        return value

    @field_validator("templates")
    @classmethod
    def known_templates(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        from agents.templates import problems  # the catalogs are data; imported late, as config loads first

        found = problems(value)
        if found:
            raise ValueError("; ".join(found))
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

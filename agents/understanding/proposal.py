"""A model's answer checked against the tenant's configuration before anyone acts on it.

The model only proposes. Whatever it names that the tenant doesn't have (a service, a faq
topic, a task this person doesn't own, a person) becomes None, as if a person had typed
something unknown; a field of the wrong kind is dropped the same way. Fields that make no
sense for the sender (a task or a person in a customer's text) are never kept; the names
of the fields refused are listed in `dropped`, so an agent can say "that task isn't yours"
instead of guessing. An intent outside the sender's list makes the whole answer invalid:
the rules answer instead.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from agents.understanding.prompt import intents_for
from agents.understanding.result import PERIODS, Understanding
from agents.understanding.tasks import tasks_of
from config.schema import Person, Tenant

MAX_CODE = 999


class InvalidProposal(ValueError):
    """The model's answer can't be read as an Understanding at all."""


def read_proposal(content: dict[str, Any], tenant: Tenant, person: Person | None, owner: bool,
                  tokens: int, open_tasks: tuple[str, ...] = ()) -> Understanding:
    intent = content.get("intent")
    if intent not in intents_for(person, owner):
        raise InvalidProposal(f"intent {intent!r} is not one of the sender's")
    common = dict(intent=intent, confidence=_confidence(content.get("confidence")), engine="openai",
                  tokens=tokens)
    fields = (_customer_fields(content, tenant) if person is None
              else _staff_fields(content, tenant, person, owner, open_tasks))
    dropped = tuple(name for name, value in fields.items() if value is None and content.get(name) is not None)
    return Understanding(**common, **fields, dropped=dropped)


def _customer_fields(content: dict[str, Any], tenant: Tenant) -> dict[str, Any]:
    faq = _known(content.get("faq"), {f.q for f in tenant.faq})
    at = _at(content.get("at"), tenant)
    day, clock = (at.date(), at.time().replace(tzinfo=None)) if at else (_day(content.get("day")),
                                                                        _time(content.get("time")))
    return dict(service=_known(content.get("service"), {s.id for s in tenant.services}), day=day, time=clock,
                period=_known(content.get("period"), set(PERIODS)), at=at,
                faq=faq if content.get("intent") == "faq" else None)


def _staff_fields(content: dict[str, Any], tenant: Tenant, person: Person, owner: bool,
                  open_tasks: tuple[str, ...]) -> dict[str, Any]:
    tasks = {t.id for t in tasks_of(tenant.tasks, person, owner, open_tasks)}
    people = {p.id for p in tenant.people} if owner else set()
    return dict(task=_known(content.get("task"), tasks), person=_known(content.get("person"), people),
                number=_number(content.get("number")), code=_count(content.get("code")),
                pick=_count(content.get("pick")))


def _known(value: Any, allowed: set[str]) -> str | None:
    return value if isinstance(value, str) and value in allowed else None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _time(value: Any) -> time | None:
    try:
        return time.fromisoformat(value).replace(second=0, microsecond=0, tzinfo=None) \
            if isinstance(value, str) else None
    except ValueError:
        return None


def _at(value: Any, tenant: Tenant) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None:
        return None
    return moment.replace(tzinfo=tenant.zone) if moment.tzinfo is None else moment.astimezone(tenant.zone)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_CODE:
        return value
    return None


def _confidence(value: Any) -> float:
    number = _number(value)
    return 0.5 if number is None else min(1.0, max(0.0, number))

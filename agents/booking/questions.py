"""Decisions about questions: hours, prices, the faq and asking for a person, answered from
the tenant's config only; what the config doesn't answer goes to the team."""
from __future__ import annotations

from sqlalchemy.orm import Session

from agents.booking import messages
from agents.booking.availability import hours_on
from agents.booking.lifecycle import service_of
from agents.booking.work import Plan, Work
from agents.context import ExecutionContext


def decide_hours(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    day = work.heard.day if work.heard else None
    if day is None:
        return Plan("answer", text=messages.hours_text(ctx.tenant))
    hours = hours_on(ctx.tenant, day)
    name = day.strftime("%A %b ") + str(day.day)
    if hours is None:
        return Plan("answer", text=f"We're closed on {name}.")
    opens, closes = messages.clock(hours[0]), messages.clock(hours[1])
    return Plan("answer", text=f"On {name} we're open {opens} to {closes}.")


def decide_prices(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    service = service_of(ctx.tenant, work.heard.service) if work.heard and work.heard.service else None
    if service is None:
        return Plan("answer", text=messages.prices_text(ctx.tenant))
    minutes = messages.span_words(service.duration)
    return Plan("answer", text=f"{service.name}: {messages.price_of(service)}, {minutes}. "
                               f"Text a day and time to book.")


def decide_faq(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    asked = work.heard.faq if work.heard else None
    entry = next((f for f in ctx.tenant.faq if f.q == asked), None)
    if entry is None:
        return Plan("ask_team")
    return Plan("answer", text=entry.a)


def decide_operator(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    return Plan("operator")


def decide_name(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    return Plan("name_noted")

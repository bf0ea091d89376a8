"""Decisions about questions: hours, prices, the faq and asking for a person, answered from
the tenant's config only (in the customer's language; the faq's answers as the tenant wrote
them); what the config doesn't answer goes to the team."""
from __future__ import annotations

from sqlalchemy.orm import Session

from agents.booking import messages
from agents.booking.availability import hours_on
from agents.booking.lifecycle import service_of
from agents.booking.work import Plan, Work
from agents.context import ExecutionContext
from agents.templates.words import Words


def decide_hours(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    w, day = Words(ctx.tenant, work.lang), work.heard.day if work.heard else None
    if day is None:
        return Plan("answer", text=messages.hours_text(w))
    hours = hours_on(ctx.tenant, day)
    if hours is None:
        return Plan("answer", text=w("closed_on_day", day=w.day(day)))
    opens, closes = messages.clock(hours[0]), messages.clock(hours[1])
    return Plan("answer", text=w("open_on_day", day=w.day(day), opens=opens, closes=closes))


def decide_prices(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    w = Words(ctx.tenant, work.lang)
    service = service_of(ctx.tenant, work.heard.service) if work.heard and work.heard.service else None
    if service is None:
        return Plan("answer", text=messages.prices_text(w))
    return Plan("answer", text=w("service_price", service=service.name, price=w.price(service),
                                 duration=w.span(service.duration)))


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

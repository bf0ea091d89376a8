"""Conversations: every phone the business texted with or took a call from, newest first,
and each phone's thread (texts in and out with their delivery status, calls), for owners
and managers. Searchable by phone, typed any way (read in the tenant's country) and by
local day.

    GET /console/conversations?phone=&day=&page=
    GET /console/conversations/<phone>?day=&before=<message id>
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import redirect, render_template, request, url_for
from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from config.loader import normalise_phone
from config.schema import Tenant
from console import clock, console
from console.access import deciders_only, signed
from runtime import current_runtime
from store.models import MAX_ROW_ID, Customer, Interaction, Message

PAGE = 30  # phones a page
THREAD = 100  # texts a page of a thread; calls of the same span come with them
MAX_PAGE = 1000


@dataclass(frozen=True)
class Thread:
    phone: str
    last_at: datetime
    count: int


@dataclass(frozen=True)
class Search:
    phone: str | None
    day: date | None
    problems: tuple[str, ...]


@console.get("/conversations")
def conversations():
    deciders_only()
    tenant = signed().tenant
    search = search_of(tenant, request.args)
    page = page_of(request.args.get("page"))
    if search.phone and not search.problems:
        return redirect(url_for("console.conversation", phone=search.phone, day=request.args.get("day") or None))
    with current_runtime().db.session() as session:
        threads = threads_of(session, tenant, search.day, page)
        names = names_of(session, tenant, [t.phone for t in threads])
    return render_template("console/conversations.html", threads=threads[:PAGE], more=len(threads) > PAGE,
                           page=page, names=names, search=search, args=request.args, zone=tenant.zone), \
        400 if search.problems else 200


@console.get("/conversations/<phone>")
def conversation(phone: str):
    deciders_only()
    tenant = signed().tenant
    search = search_of(tenant, {"phone": phone, "day": request.args.get("day", "")})
    if search.problems:
        return render_template("console/conversations.html", threads=[], more=False, page=1, names={},
                               search=search, args=request.args, zone=tenant.zone), 400
    before = before_of(request.args.get("before"))
    with current_runtime().db.session() as session:
        texts = texts_of(session, tenant, search.phone, search.day, before)
        shown = texts[:THREAD]
        since = shown[-1].created_at if len(texts) > THREAD else None  # older calls come with older texts
        until = shown[0].created_at if before and shown else None
        calls = calls_of(session, tenant, search.phone, search.day, since, until)
        names = names_of(session, tenant, [search.phone])
    items = sorted([*shown, *calls], key=lambda item: (item_time(item), item.id))
    earlier = texts[THREAD - 1].id if len(texts) > THREAD else None
    return render_template("console/conversation.html", phone=search.phone, name=names.get(search.phone),
                           items=items, earlier=earlier, search=search, zone=tenant.zone)


def search_of(tenant: Tenant, args) -> Search:
    problems, phone, day = [], None, None
    typed = (args.get("phone") or "").strip()[:40]
    if typed:
        phone = normalise_phone(typed, tenant.country)
        if phone is None:
            problems.append(f"{typed!r} is not a phone number (in {tenant.country}, or with its +country code).")
    if args.get("day"):
        try:
            day = date.fromisoformat(args["day"]) if len(args["day"]) == 10 else None
        except ValueError:
            day = None
        if day is None or not date(2000, 1, 1) <= day <= date(2999, 12, 31):
            problems.append(f"{args['day'][:20]!r} is not a day like 2026-11-23.")
            day = None
    return Search(phone, day, tuple(problems))


def page_of(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) <= MAX_PAGE else 1


def before_of(value: str | None) -> int | None:
    """The thread's cursor: texts older than this message id; None for the newest."""
    return int(value) if value and value.isdigit() and 0 < int(value) <= MAX_ROW_ID else None


def day_span(tenant: Tenant, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tenant.zone)
    return start, datetime.combine(day + timedelta(days=1), time(), tenant.zone)


def threads_of(session: Session, tenant: Tenant, day: date | None, page: int) -> list[Thread]:
    """A page of phones by their latest text or call (one more than a page: is there another?)."""
    other = case((Message.direction == "in", Message.from_phone), else_=Message.to_phone)
    texts = select(other.label("phone"), Message.created_at.label("at")).where(Message.tenant == tenant.tenant)
    calls = select(Interaction.from_phone.label("phone"), Interaction.received_at.label("at")).where(
        Interaction.tenant == tenant.tenant, Interaction.channel == literal("voice"))
    if day is not None:
        start, end = day_span(tenant, day)
        texts = texts.where(Message.created_at >= start, Message.created_at < end)
        calls = calls.where(Interaction.received_at >= start, Interaction.received_at < end)
    both = union_all(texts, calls).subquery()
    query = (select(both.c.phone, func.max(both.c.at).label("last_at"), func.count().label("count"))
             .group_by(both.c.phone).order_by(func.max(both.c.at).desc(), both.c.phone)
             .offset((page - 1) * PAGE).limit(PAGE + 1))
    return [Thread(row.phone, row.last_at, row.count) for row in session.execute(query)]


def names_of(session: Session, tenant: Tenant, phones: list[str]) -> dict[str, str]:
    """The tenant's people by their names (and role), customers by the name they gave."""
    names = {c.phone: c.name for c in session.scalars(
        select(Customer).where(Customer.tenant == tenant.tenant, Customer.phone.in_(phones))) if c.name}
    for phone in phones:
        person = tenant.person_by_phone(phone)
        if person is not None:
            names[phone] = f"{person.name} ({person.role})"
    return names


def texts_of(session: Session, tenant: Tenant, phone: str, day: date | None, before: int | None) -> list[Message]:
    """The phone's texts, newest first, older than the id `before` (one more than a page)."""
    query = select(Message).where(Message.tenant == tenant.tenant,
                                  (Message.to_phone == phone) | (Message.from_phone == phone))
    if before is not None:
        query = query.where(Message.id < before)
    if day is not None:
        start, end = day_span(tenant, day)
        query = query.where(Message.created_at >= start, Message.created_at < end)
    return list(session.scalars(query.order_by(Message.id.desc()).limit(THREAD + 1)))


def calls_of(session: Session, tenant: Tenant, phone: str, day: date | None, since: datetime | None,
             until: datetime | None) -> list[Interaction]:
    """The phone's calls in the span of the texts shown: from the oldest (when there are
    older texts) to the newest (when newer ones are on another page)."""
    query = select(Interaction).where(Interaction.tenant == tenant.tenant, Interaction.from_phone == phone,
                                      Interaction.channel == "voice")
    if day is not None:
        start, end = day_span(tenant, day)
        query = query.where(Interaction.received_at >= start, Interaction.received_at < end)
    if since is not None:
        query = query.where(Interaction.received_at >= since)
    if until is not None:
        query = query.where(Interaction.received_at <= until)
    return list(session.scalars(query.order_by(Interaction.id.desc()).limit(THREAD)))


def item_time(item: Message | Interaction) -> datetime:
    return item.created_at if isinstance(item, Message) else item.received_at

"""Bookings: a day or a week of the built-in calendar by chair, for owners and managers.

    GET /console/bookings?day=2026-11-23&view=day|week

Held bookings (an offer, or one waiting for its deposit) and confirmed ones sit on the
chairs they take; cancelled ones are listed under each day. A hold that lapsed took
nothing and is left out. Each booking opens to its page (console/booking.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from agents.booking.calendar import CANCELLED, CONFIRMED, HELD
from config.schema import Tenant
from console import clock, console
from console.access import deciders_only, signed
from console.chairs import Chair, on_chairs
from runtime import current_runtime
from store.models import Booking, Customer

VIEWS = {"day": 1, "week": 7}
REACH = timedelta(days=3660)  # days further from today than this are refused (no calendar goes there)


@dataclass(frozen=True)
class Day:
    day: date
    chairs: list[Chair]
    cancelled: list[Booking]

    @property
    def count(self) -> int:
        return sum(len(chair.bookings) for chair in self.chairs)


@console.get("/bookings")
def bookings():
    deciders_only()
    who = signed()
    tenant, now = who.tenant, clock.now()
    today = now.astimezone(tenant.zone).date()
    view = request.args.get("view", "day")
    first, error = asked_day(request.args.get("day"), today)
    if view not in VIEWS:
        view, error = "day", f"There is no {view[:20]!r} view: showing the day."
    if view == "week":
        first -= timedelta(days=first.weekday())  # weeks start on Monday
    days = [first + timedelta(days=i) for i in range(VIEWS[view])]
    with current_runtime().db.session() as session:
        found = bookings_between(session, tenant, days[0], days[-1] + timedelta(days=1), now)
        names = customer_names(session, found)
    step = timedelta(days=VIEWS[view])
    fields = {"days": laid_out(tenant, days, found), "view": view, "first": first, "today": today,
              "before": first - step, "after": first + step, "names": names, "error": error,
              "services": {s.id: s.name for s in tenant.services}, "zone": tenant.zone}
    return render_template("console/bookings.html", **fields), 400 if error else 200


def asked_day(value: str | None, today: date) -> tuple[date, str | None]:
    """The day asked for in ?day=, or today and what was wrong with it."""
    if not value:
        return today, None
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or abs(day - today) > REACH:
        return today, f"{value[:20]!r} is not a day like {today.isoformat()} within ten years: showing today."
    return day, None


def local_midnight(tenant: Tenant, day: date) -> datetime:
    return datetime.combine(day, time(), tenant.zone)


def bookings_between(session: Session, tenant: Tenant, first: date, end: date, now: datetime) -> list[Booking]:
    """Bookings starting on these local days: confirmed, cancelled, and holds still standing."""
    query = select(Booking).where(
        Booking.tenant == tenant.tenant, Booking.start >= local_midnight(tenant, first),
        Booking.start < local_midnight(tenant, end), Booking.moves_id.is_(None),
        or_(Booking.state.in_((CONFIRMED, CANCELLED)), and_(Booking.state == HELD, Booking.hold_expires_at > now)))
    return list(session.scalars(query.order_by(Booking.start, Booking.id)))


def customer_names(session: Session, bookings: list[Booking]) -> dict[int, str]:
    ids = {b.customer_id for b in bookings}
    if not ids:
        return {}
    rows = session.execute(select(Customer.id, Customer.name, Customer.phone).where(Customer.id.in_(ids)))
    return {row.id: row.name or row.phone for row in rows}


def laid_out(tenant: Tenant, days: list[date], found: list[Booking]) -> list[Day]:
    by_day: dict[date, list[Booking]] = {day: [] for day in days}
    for booking in found:
        by_day.setdefault(booking.start.astimezone(tenant.zone).date(), []).append(booking)
    rules = tenant.booking
    return [Day(day, on_chairs([b for b in by_day[day] if b.state != CANCELLED], rules.chairs, rules.buffer),
                [b for b in by_day[day] if b.state == CANCELLED]) for day in days]

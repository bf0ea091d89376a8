"""The booking part of the scheduler tick: lapsed holds let go, reminders texted once.

Safe to run twice at once: each row is claimed by a conditional UPDATE/DELETE whose
row count says whether this pass won it, so a reminder is queued by one pass only,
and a hold a customer is confirming right now (row locked) is not released under them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from agents.booking import messages
from agents.booking.calendar import CANCELLED, CONFIRMED, HELD
from agents.booking.lifecycle import service_of
from agents.booking.notices import text_customer
from agents.templates.words import Words
from config.schema import Tenant
from integrations.sync import queue_booking_sync
from store.models import Booking, Customer

if TYPE_CHECKING:
    from runtime import Runtime


@dataclass(frozen=True)
class Upkeep:
    released: int = 0
    reminded: int = 0


def tend_bookings(runtime: Runtime, now: datetime) -> Upkeep:
    """One pass over every tenant's bookings at `now`: one query for all tenants, and a
    write transaction only when something is due (the usual pass has nothing to do)."""
    with runtime.db.sessionmaker() as session:
        lapsed = session.execute(LAPSED, {"now": now}).all()
        due = session.execute(DUE, {"now": now}).all()
    if not lapsed and not due:
        return Upkeep()
    released = reminded = 0
    with runtime.db.session() as session:  # each row is claimed again here: the read above may be stale
        for tenant_id, booking_id, accepted_at in lapsed:
            if (tenant := runtime.tenants.get(tenant_id)) is not None:
                released += release_lapsed_hold(session, tenant, booking_id, accepted_at, now)
        for tenant_id, booking_id in due:
            if (tenant := runtime.tenants.get(tenant_id)) is not None:
                reminded += queue_due_reminder(session, tenant, booking_id, now)
    return Upkeep(released=released, reminded=reminded)


LAPSED = select(Booking.tenant, Booking.id, Booking.accepted_at).where(
    Booking.state == HELD, Booking.hold_expires_at <= bindparam("now")).order_by(Booking.id)
DUE = select(Booking.tenant, Booking.id).where(
    Booking.state == CONFIRMED, Booking.reminded_at.is_(None), Booking.remind_at <= bindparam("now"),
    Booking.start > bindparam("now")).order_by(Booking.id)


def release_lapsed_hold(session: Session, tenant: Tenant, booking_id: int, accepted_at: datetime | None,
                        now: datetime) -> bool:
    """An offer not taken in time is deleted; a booking whose deposit never came is
    cancelled and the customer is told."""
    if accepted_at is None:
        return _delete_offer(session, booking_id, now)
    return _cancel_unpaid(session, tenant, booking_id, now)


def _delete_offer(session: Session, booking_id: int, now: datetime) -> bool:
    gone = session.execute(delete(Booking).where(
        Booking.id == booking_id, Booking.state == HELD, Booking.accepted_at.is_(None),
        Booking.hold_expires_at <= now).execution_options(synchronize_session=False))
    return gone.rowcount == 1


def _cancel_unpaid(session: Session, tenant: Tenant, booking_id: int, now: datetime) -> bool:
    claimed = session.execute(update(Booking).where(
        Booking.id == booking_id, Booking.state == HELD, Booking.hold_expires_at <= now).values(
        state=CANCELLED, cancelled_at=now, cancel_reason="deposit_unpaid", hold_expires_at=None)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    booking = session.get(Booking, booking_id, populate_existing=True)
    queue_booking_sync(session, tenant, booking, "cancelled", now)
    service = service_of(tenant, booking.service)
    customer = session.get(Customer, booking.customer_id)
    w = Words(tenant, customer.language or "en")
    text_customer(session, tenant, customer.phone, messages.fit(w(
        "deposit_unpaid", service=service.name if service else booking.service, when=w.when(booking.start))),
        "confirmation")
    return True


def queue_due_reminder(session: Session, tenant: Tenant, booking_id: int, now: datetime) -> bool:
    """Text a confirmed booking's customer once, `booking.reminder` before it starts."""
    claimed = session.execute(update(Booking).where(  # checked again: it may have just moved
        Booking.id == booking_id, Booking.state == CONFIRMED, Booking.reminded_at.is_(None),
        Booking.remind_at <= now, Booking.start > now)
        .values(reminded_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    _text_reminder(session, tenant, session.get(Booking, booking_id, populate_existing=True))
    return True


def _text_reminder(session: Session, tenant: Tenant, booking: Booking) -> None:
    service = service_of(tenant, booking.service)
    customer = session.get(Customer, booking.customer_id)
    if service is not None and customer is not None:
        body = messages.reminder(Words(tenant, customer.language or "en"), service, booking)
        text_customer(session, tenant, customer.phone, body, "reminder")

"""The booking part of the scheduler tick: lapsed holds let go, reminders texted once.

Safe to run twice at once: each row is claimed by a conditional UPDATE/DELETE whose
row count says whether this pass won it, so a reminder is queued by one pass only,
and a hold a customer is confirming right now (row locked) is not released under them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from agents.booking import messages
from agents.booking.calendar import CANCELLED, CONFIRMED, HELD
from agents.booking.lifecycle import service_of
from agents.booking.notices import text_customer
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
    """One pass over every tenant's bookings at `now`."""
    released = reminded = 0
    with runtime.db.session() as session:
        for tenant in runtime.tenants:
            released += release_lapsed_holds(session, tenant, now)
            reminded += queue_due_reminders(session, tenant, now)
    return Upkeep(released=released, reminded=reminded)


def release_lapsed_holds(session: Session, tenant: Tenant, now: datetime) -> int:
    """Offers not taken in time are deleted; bookings whose deposit never came are
    cancelled and the customer is told."""
    lapsed = select(Booking.id, Booking.accepted_at).where(
        Booking.tenant == tenant.tenant, Booking.state == HELD, Booking.hold_expires_at <= now)
    released = 0
    for booking_id, accepted_at in session.execute(lapsed).all():
        if accepted_at is None:
            released += _delete_offer(session, booking_id, now)
        else:
            released += _cancel_unpaid(session, tenant, booking_id, now)
    return released


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
    name = service.name if service else booking.service
    text_customer(session, tenant, customer.phone, messages.fit(
        f"The deposit for your {name} on {messages.when(tenant, booking.start)} wasn't paid in time, "
        f"so the time has been released. Text us to book again."), "confirmation")
    return True


def queue_due_reminders(session: Session, tenant: Tenant, now: datetime) -> int:
    """Text each confirmed booking's customer once, `booking.reminder` before it starts."""
    due = select(Booking.id).where(
        Booking.tenant == tenant.tenant, Booking.state == CONFIRMED, Booking.reminded_at.is_(None),
        Booking.remind_at <= now, Booking.start > now)
    reminded = 0
    for booking_id in session.scalars(due).all():
        claimed = session.execute(update(Booking).where(  # checked again: it may have just moved
            Booking.id == booking_id, Booking.state == CONFIRMED, Booking.reminded_at.is_(None),
            Booking.remind_at <= now, Booking.start > now)
            .values(reminded_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount == 1:
            _text_reminder(session, tenant, session.get(Booking, booking_id, populate_existing=True))
            reminded += 1
    return reminded


def _text_reminder(session: Session, tenant: Tenant, booking: Booking) -> None:
    service = service_of(tenant, booking.service)
    customer = session.get(Customer, booking.customer_id)
    if service is not None and customer is not None:
        body = messages.reminder(tenant, service, booking)
        text_customer(session, tenant, customer.phone, body, "reminder")

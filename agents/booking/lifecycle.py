"""A booking's life in the built-in calendar, one verb per change:

    place_hold      an offered time, held for `booking.hold` while the customer decides
    accept          the customer said yes: confirmed, or held until the deposit is paid
    move            a confirmed booking takes the time of its move hold
    reschedule      a booking takes a new time (a move, or the business moving it)
    cancel          cancelled by the customer (or a lapsed deposit)
    confirm_paid_booking   the payment provider says the deposit is paid

Callers lock the local day first (calendar.lock_days) when a change takes chair time.
Every change that outside systems should know goes through integrations.sync in the
same transaction; nothing here commits.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from agents.booking import messages
from agents.booking.availability import has_chair, local_day, span
from agents.booking.calendar import CANCELLED, CONFIRMED, HELD, booking_of, busy_during, lock_days
from agents.booking.notices import tell_operator, text_customer
from agents.templates.words import Words
from config.schema import Service, Tenant
from integrations.sync import deposit_requires_payment, queue_booking_sync
from store.models import Booking, Customer


def service_of(tenant: Tenant, service_id: str) -> Service | None:
    return next((s for s in tenant.services if s.id == service_id), None)


def place_hold(session: Session, tenant: Tenant, customer: Customer, service: Service, start: datetime,
               now: datetime, key: str, interaction_id: int | None, moves: Booking | None = None) -> Booking:
    booking = Booking(
        tenant=tenant.tenant, customer_id=customer.id, service=service.id, start=start,
        end=start + service.duration, state=HELD, price=service.price, deposit=service.deposit,
        hold_expires_at=now + tenant.booking.hold, key=key, interaction_id=interaction_id,
        moves_id=moves.id if moves else None, created_at=now)
    session.add(booking)
    session.flush()
    return booking


def drop_hold(session: Session, booking: Booking | None) -> None:
    """Let go of an offer the customer didn't take (a new wish replaces it)."""
    if booking is not None and booking.state == HELD and booking.accepted_at is None:
        session.delete(booking)
        session.flush()


def accept(session: Session, tenant: Tenant, booking: Booking, now: datetime) -> str:
    """The customer said yes: "confirmed", or "awaiting_deposit" when a payment is due."""
    booking.accepted_at = now
    if deposit_requires_payment(tenant, booking.service):
        queue_booking_sync(session, tenant, booking, "booked", now)  # asks for the deposit
        return "awaiting_deposit"
    confirm(tenant, booking, now)
    queue_booking_sync(session, tenant, booking, "booked", now)
    return "confirmed"


def confirm(tenant: Tenant, booking: Booking, now: datetime) -> None:
    booking.state, booking.confirmed_at, booking.hold_expires_at = CONFIRMED, now, None
    booking.remind_at, booking.reminded_at = reminder_time(tenant, booking.start, now), None


def reminder_time(tenant: Tenant, start: datetime, now: datetime) -> datetime | None:
    """When to remind: `booking.reminder` before the start; None when that has passed
    (booked inside the window: the confirmation has just gone out)."""
    at = start - tenant.booking.reminder
    return at if at > now else None


def move(session: Session, tenant: Tenant, hold: Booking, booking: Booking, now: datetime) -> None:
    """The booking takes its move hold's time."""
    start, end = hold.start, hold.end
    session.delete(hold)
    session.flush()
    reschedule(session, tenant, booking, start, end, now)


def reschedule(session: Session, tenant: Tenant, booking: Booking, start: datetime, end: datetime,
               now: datetime) -> None:
    """The booking takes a new time; its reminder is due again for it."""
    booking.start, booking.end = start, end
    booking.remind_at, booking.reminded_at = reminder_time(tenant, start, now), None
    booking.answered_reminder = None
    queue_booking_sync(session, tenant, booking, "rescheduled", now)


def cancel(session: Session, tenant: Tenant, booking: Booking, now: datetime, reason: str) -> None:
    booking.state, booking.cancelled_at, booking.cancel_reason = CANCELLED, now, reason
    booking.hold_expires_at = None
    queue_booking_sync(session, tenant, booking, "cancelled", now)


def within_cutoff(tenant: Tenant, booking: Booking, now: datetime) -> bool:
    """Too close to change by text: less than `booking.cancel_cutoff` ahead."""
    return booking.start - now < tenant.booking.cancel_cutoff


def confirm_paid_booking(session: Session, tenant: Tenant, booking_id: int, now: datetime) -> Booking | None:
    """The deposit of a booking held for payment is paid: confirm it and tell everyone.

    Harmless when called again (a confirmed booking is left as it is). A payment that
    arrives after the hold lapsed confirms the booking if a chair is still free;
    otherwise the operator is told to refund it.
    """
    booking = booking_of(session, tenant.tenant, booking_id)
    if booking is None or booking.state == CONFIRMED:
        return booking
    lock_days(session, tenant.tenant, [local_day(tenant, booking.start)])  # the day, then the row
    booking = booking_of(session, tenant.tenant, booking_id, lock=True)
    if booking.state == CONFIRMED:
        return booking
    service = service_of(tenant, booking.service)
    customer = session.get(Customer, booking.customer_id)
    holding = booking.state == HELD and booking.hold_expires_at is not None and booking.hold_expires_at > now
    if not holding and not _chair_left(session, tenant, service, booking, now):
        tell_operator(session, tenant, messages.fit(
            f"Deposit paid for booking {booking.id} ({customer.phone}) after its hold lapsed and the "
            f"time is taken: please refund or rebook them."), urgent=True)
        return booking
    booking.accepted_at = booking.accepted_at or now
    booking.cancelled_at = booking.cancel_reason = None
    confirm(tenant, booking, now)
    send_confirmations(session, tenant, booking, customer, "New booking (deposit paid)")
    return booking


def _chair_left(session: Session, tenant: Tenant, service: Service | None, booking: Booking,
                now: datetime) -> bool:
    if service is None or booking.start <= now:
        return False
    busy = busy_during(session, tenant, span(tenant, service, booking.start), now, without=[booking.id])
    return has_chair(tenant, service, booking.start, busy)


CHANGE_NOTICES = {"confirmed": "New booking", "moved": "Moved", "cancelled": "Cancelled"}
CHANGE_TEXTS = {"confirmed": messages.confirmation, "moved": messages.moved, "cancelled": messages.cancelled}
URGENT_CHANGES = frozenset({"cancelled"})  # a freed chair the operator may fill: told at once


def tell_change(session: Session, tenant: Tenant, change: str, booking: Booking, customer: Customer,
                lang: str, interaction_id: int | None = None, moved_from: datetime | None = None,
                text_them: bool = True) -> None:
    """A booking made, moved or cancelled: the operator's notice, and the customer's text
    when what they used (a call, the API, the business's console) left them nothing to keep."""
    service = service_of(tenant, booking.service)
    name = service.name if service else booking.service
    tell_operator(session, tenant, messages.operator_notice(
        tenant, CHANGE_NOTICES[change], name, booking.start, customer.name, customer.phone, old=moved_from),
        interaction_id, urgent=change in URGENT_CHANGES)
    if text_them and service is not None:
        text = CHANGE_TEXTS[change](Words(tenant, lang), service, booking)
        text_customer(session, tenant, customer.phone, text, "confirmation", interaction_id)


def send_confirmations(session: Session, tenant: Tenant, booking: Booking, customer: Customer,
                       what: str, interaction_id: int | None = None) -> None:
    """The customer's confirmation text and the operator's notice, for a booking made
    outside a text conversation (a call, the API, a paid deposit)."""
    service = service_of(tenant, booking.service)
    name = service.name if service else booking.service
    if service is not None:
        text = messages.confirmation(Words(tenant, customer.language or "en"), service, booking)
        text_customer(session, tenant, customer.phone, text, "confirmation", interaction_id)
    tell_operator(session, tenant, messages.operator_notice(
        tenant, what, name, booking.start, customer.name, customer.phone), interaction_id)

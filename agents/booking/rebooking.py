"""Changes the business makes to a customer's booking (the operator console): move it to
another time, or cancel it. The same rules as a customer's text: the cancel cutoff, the
hours, the grid, the notice, the chairs (availability.verdict under the day's lock), the
same writes (lifecycle.reschedule and cancel, with their outside-system sync) and the
same confirmations (lifecycle.tell_change: the operator's notice and, as the customer
asked nothing, a text to the customer).

Each returns "moved" / "cancelled", or why nothing changed: gone (no such booking, or
not one a customer could change), too_late (inside the cutoff), unchanged (the same
time), or a verdict (past, too_soon, too_far, closed, outside_hours, off_grid, taken).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from agents.booking.availability import local_day, search_window, verdict
from agents.booking.calendar import CONFIRMED, HELD, booking_of, busy_during, lock_days
from agents.booking.lifecycle import cancel, reschedule, service_of, tell_change, within_cutoff
from config.schema import Tenant
from store.models import Booking, Customer

BY_BUSINESS = "business"  # cancel_reason of a booking the business cancelled


def changeable(booking: Booking | None, now: datetime) -> bool:
    """A booking the customer could move or cancel by text: confirmed, or accepted and
    waiting for its deposit (calendar.upcoming_for), not a move's own hold."""
    if booking is None or booking.moves_id is not None:
        return False
    accepted_hold = (booking.state == HELD and booking.accepted_at is not None
                     and booking.hold_expires_at is not None and booking.hold_expires_at > now)
    return booking.state == CONFIRMED or accepted_hold


def move_booking(session: Session, tenant: Tenant, booking_id: int, start: datetime, now: datetime) -> str:
    booking = booking_of(session, tenant.tenant, booking_id)
    if booking is None:
        return "gone"
    lock_days(session, tenant.tenant, [local_day(tenant, booking.start), local_day(tenant, start)])
    booking = booking_of(session, tenant.tenant, booking_id, lock=True)
    refused = _refusal(tenant, booking, now)
    if refused is not None:
        return refused
    service = service_of(tenant, booking.service)
    if service is None:  # a service the tenant file no longer lists
        return "gone"
    if start == booking.start:
        return "unchanged"
    busy = busy_during(session, tenant, search_window(tenant, start, now), now, without=[booking.id])
    reason = verdict(tenant, service, start, busy, now)
    if reason != "ok":
        return reason
    moved_from = booking.start
    reschedule(session, tenant, booking, start, start + service.duration, now)
    _tell(session, tenant, "moved", booking, moved_from)
    return "moved"


def cancel_booking(session: Session, tenant: Tenant, booking_id: int, now: datetime) -> str:
    booking = booking_of(session, tenant.tenant, booking_id, lock=True)
    refused = _refusal(tenant, booking, now)
    if refused is not None:
        return refused
    cancel(session, tenant, booking, now, BY_BUSINESS)
    _tell(session, tenant, "cancelled", booking)
    return "cancelled"


def _refusal(tenant: Tenant, booking: Booking | None, now: datetime) -> str | None:
    if not changeable(booking, now):
        return "gone"
    return "too_late" if within_cutoff(tenant, booking, now) else None


def _tell(session: Session, tenant: Tenant, change: str, booking: Booking,
          moved_from: datetime | None = None) -> None:
    customer = session.get(Customer, booking.customer_id)
    tell_change(session, tenant, change, booking, customer, customer.language or "en", moved_from=moved_from)

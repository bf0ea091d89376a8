"""The built-in calendar: which bookings take chair time, a customer's upcoming bookings,
and the per-day lock that makes "is it free? then take it" one step."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from agents.booking.availability import Interval
from config.schema import Tenant
from store.models import Booking, BookingDay, Customer
from store.statements import upsertable_insert

CONFIRMED, HELD, CANCELLED = "confirmed", "held", "cancelled"


def live(now: datetime):
    """Bookings that take a chair: confirmed ones, and holds that haven't lapsed."""
    return or_(Booking.state == CONFIRMED,
               and_(Booking.state == HELD, Booking.hold_expires_at > now))


def busy_during(session: Session, tenant: Tenant, window: Interval, now: datetime,
                without: Iterable[int] = ()) -> list[Interval]:
    """The chair time (buffer included) of live bookings touching the window."""
    buffer = tenant.booking.buffer
    query = select(Booking.start, Booking.end).where(
        Booking.tenant == tenant.tenant, live(now), Booking.start < window.end,
        Booking.end > window.start - buffer)
    skip = [i for i in without if i is not None]
    if skip:
        query = query.where(Booking.id.not_in(skip))
    return [Interval(start, end + buffer) for start, end in session.execute(query)]


def lock_days(session: Session, tenant: str, days: Iterable[date]) -> None:
    """Hold the lock of each local day until the transaction ends (in day order, so two
    writers never wait on each other crosswise). SQLite serialises writers anyway."""
    for day in sorted(set(days)):
        insert = upsertable_insert(session, BookingDay.__table__).values(tenant=tenant, day=day)
        session.execute(insert.on_conflict_do_nothing())
        session.execute(select(BookingDay.day).where(BookingDay.tenant == tenant, BookingDay.day == day)
                        .with_for_update())


def upcoming_for(session: Session, tenant: str, customer_id: int, now: datetime) -> list[Booking]:
    """A customer's bookings still ahead: confirmed, or accepted and waiting for a deposit."""
    query = select(Booking).where(
        Booking.tenant == tenant, Booking.customer_id == customer_id, Booking.start > now,
        Booking.moves_id.is_(None),
        or_(Booking.state == CONFIRMED, and_(Booking.state == HELD, Booking.accepted_at.is_not(None),
                                             Booking.hold_expires_at > now)))
    return list(session.scalars(query.order_by(Booking.start, Booking.id)))


def booking_of(session: Session, tenant: str, booking_id: int | None, lock: bool = False) -> Booking | None:
    """A booking of this tenant by id (never another tenant's), optionally locked."""
    if booking_id is None:
        return None
    query = select(Booking).where(Booking.tenant == tenant, Booking.id == booking_id)
    if lock:  # read again under the row lock: another transaction may have just changed it
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def taken_by(session: Session, tenant: str, phone: str, service: str, start: datetime) -> Booking | None:
    """This phone's own booking of this service at this time, if it has one already (a
    second YES, sent before the first was answered, finds the first one's booking)."""
    query = select(Booking).join(Customer, Customer.id == Booking.customer_id).where(
        Booking.tenant == tenant, Customer.phone == phone, Booking.service == service,
        Booking.start == start, Booking.moves_id.is_(None),
        or_(Booking.state == CONFIRMED, and_(Booking.state == HELD, Booking.accepted_at.is_not(None))))
    return session.scalars(query.limit(1)).first()

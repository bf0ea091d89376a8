"""How often Onward answers a number the tenant doesn't know: a few times a day, so two
auto-responders can never keep each other busy.

The rule: a phone that has no booking with the tenant (not even a time held for it) is a
stranger, and gets at most STRANGER_REPLIES_PER_DAY replies in any 24 hours, counted by
phone from the replies sent to it. A customer record alone does not make it known: asking
something ("?", "talk to a person") creates one, so the operator can be told who asked, and
an auto-responder must not escape the limit that way. A number that has booked, or has a
time held (it named a service, a day and a time), is a customer and is never limited.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Booking, Customer, Message

STRANGER_REPLIES_PER_DAY = 3


def is_stranger(session: Session, tenant: str, phone: str) -> bool:
    query = (select(Booking.id).join(Customer, Customer.id == Booking.customer_id)
             .where(Customer.tenant == tenant, Customer.phone == phone, Booking.tenant == tenant).limit(1))
    return session.scalar(query) is None


def stranger_may_get_reply(session: Session, tenant: str, phone: str, now: datetime) -> bool:
    query = select(func.count(Message.id)).where(
        Message.tenant == tenant, Message.to_phone == phone, Message.direction == "out",
        Message.purpose == "reply", Message.created_at > now - timedelta(days=1))
    return session.scalar(query) < STRANGER_REPLIES_PER_DAY

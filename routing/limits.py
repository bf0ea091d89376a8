"""How often Onward answers a number the tenant doesn't know: a few times a day, so two
auto-responders can never keep each other busy."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Customer, Message

STRANGER_REPLIES_PER_DAY = 3


def is_stranger(session: Session, tenant: str, phone: str) -> bool:
    query = select(Customer.id).where(Customer.tenant == tenant, Customer.phone == phone)
    return session.scalar(query) is None


def stranger_may_get_reply(session: Session, tenant: str, phone: str, now: datetime) -> bool:
    query = select(func.count(Message.id)).where(
        Message.tenant == tenant, Message.to_phone == phone, Message.direction == "out",
        Message.purpose == "reply", Message.created_at > now - timedelta(days=1))
    return session.scalar(query) < STRANGER_REPLIES_PER_DAY

"""Fixtures for booking stories: a clock the webhooks read, a customer's phone that texts
Harbor Street Barbers through signed webhooks, and the texts that went out.

Import them by name into a test module: `from tests.booking.fixtures import clock, text`.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from store.models import Booking, Customer, Message
from tests.conftest import HARBOR_NUMBER, Twilio

NEW_YORK = ZoneInfo("America/New_York")
# Monday Nov 23 2026, 10:00 in New York: "tomorrow" is Tue Nov 24.
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=NEW_YORK).astimezone(timezone.utc)
MARCO = "+16175550102"  # harbor-barbers' operator
AMY, BEN, CARA = "+16175557001", "+16175557002", "+16175557003"


@dataclass
class Clock:
    now: datetime

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The time webhooks and the API see; tests move it, nobody sleeps."""
    clock = Clock(MONDAY_10AM)
    import conversation.webhooks

    monkeypatch.setattr(conversation.webhooks, "utcnow", clock)
    try:
        import conversation.booking_api
        monkeypatch.setattr(conversation.booking_api, "utcnow", clock)
    except ImportError:
        pass
    return clock


@pytest.fixture
def text(twilio: Twilio, clock):
    """A customer's text to a business number; returns the reply as one string."""

    def send(from_: str, body: str, to: str = HARBOR_NUMBER) -> str:
        response = twilio.sms(from_, body, to=to)
        assert response.status_code == 200, response.text
        return " ".join(m.text or "" for m in ET.fromstring(response.text).iter("Message"))

    return send


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A New York wall-clock time in 2026, as an aware datetime."""
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK)


def bookings_of(runtime, phone: str, tenant: str = "harbor-barbers") -> list[Booking]:
    with runtime.db.session() as session:
        query = (select(Booking).join(Customer, Customer.id == Booking.customer_id)
                 .where(Customer.phone == phone, Booking.tenant == tenant).order_by(Booking.id))
        return list(session.scalars(query))


def texts_to(runtime, phone: str, purpose: str | None = None) -> list[str]:
    """Bodies of the texts queued to a phone through the outbox (not the direct replies)."""
    with runtime.db.session() as session:
        query = select(Message.body).where(Message.to_phone == phone, Message.direction == "out",
                                           Message.purpose != "reply")
        if purpose:
            query = query.where(Message.purpose == purpose)
        return list(session.scalars(query.order_by(Message.id)))

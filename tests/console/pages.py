"""What the page tests share: Monday Nov 23 2026, 10:00 in New York on every clock (the
console's, the webhooks' and the API's), and customers booked by text."""
from __future__ import annotations

import pytest

import conversation.booking_api
import conversation.webhooks
from tests.booking.fixtures import MONDAY_10AM, bookings_of

AMY, BEN, CARA = "+16175557001", "+16175557002", "+16175557003"


@pytest.fixture
def monday(clock, monkeypatch):
    """The console's clock at Monday 10:00, read by the webhooks and the API too."""
    clock.now = MONDAY_10AM
    monkeypatch.setattr(conversation.webhooks, "utcnow", clock)
    monkeypatch.setattr(conversation.booking_api, "utcnow", clock)
    return clock


def book(text, runtime, phone: str, asked: str) -> int:
    """A customer books by text (asked, then YES); the booking's id."""
    text(phone, asked)
    assert text(phone, "yes").startswith(("You're booked", "Thanks")), asked
    return bookings_of(runtime, phone)[-1].id

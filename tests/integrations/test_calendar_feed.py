"""GET /api/v1/calendar.ics: each tenant's confirmed bookings as an iCalendar feed, for its
own token only (as a bearer header or ?token= for calendar apps that subscribe by URL)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from icalendar import Calendar

from store.models import Booking, Customer
from tests.conftest import HARBOR_TOKEN, NORTH_TOKEN

FEED = "/api/v1/calendar.ics"
SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=2)


def add_booking(session, tenant: str, phone: str, *, state: str = "confirmed", service: str = "color",
                start: datetime = SOON, name: str | None = "Ana Lima") -> int:
    customer = Customer(tenant=tenant, phone=phone, name=name)
    session.add(customer)
    session.flush()
    booking = Booking(tenant=tenant, customer_id=customer.id, service=service, start=start,
                      end=start + timedelta(minutes=90), state=state, price=Decimal(120), deposit=Decimal(30))
    session.add(booking)
    session.flush()
    return booking.id


@pytest.fixture
def bookings(runtime):
    with runtime.db.session() as session:
        return {
            "confirmed": add_booking(session, "harbor-barbers", "+16175550199"),
            "held": add_booking(session, "harbor-barbers", "+16175550198", state="held"),
            "cancelled": add_booking(session, "harbor-barbers", "+16175550197", state="cancelled"),
            "long ago": add_booking(session, "harbor-barbers", "+16175550196", start=SOON - timedelta(days=90)),
            "north": add_booking(session, "north-nails", "+13125550299", service="manicure", name="Nia"),
        }


def events(answer) -> dict[str, object]:
    calendar = Calendar.from_ical(answer.data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_holds_the_tenants_confirmed_bookings_in_its_zone(client, bookings):
    answer = client.get(FEED, headers={"Authorization": f"Bearer {HARBOR_TOKEN}"})
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    found = events(answer)
    uid = f"booking-{bookings['confirmed']}.harbor-barbers@onward"
    assert list(found) == [uid]
    event = found[uid]
    start = event.decoded("dtstart")
    assert start == SOON and str(start.tzinfo) == "America/New_York"
    assert event.decoded("dtend") - start == timedelta(minutes=90)
    assert str(event["summary"]) == "Color: Ana Lima"
    assert "+16175550199" in str(event["description"]) and "deposit $30.00" in str(event["description"])
    calendar = Calendar.from_ical(answer.data)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_uids_stay_the_same_when_a_booking_moves(client, runtime, bookings):
    before = events(client.get(FEED, query_string={"token": HARBOR_TOKEN}))
    with runtime.db.session() as session:
        booking = session.get(Booking, bookings["confirmed"])
        booking.start, booking.end = booking.start + timedelta(hours=3), booking.end + timedelta(hours=3)
    after = events(client.get(FEED, query_string={"token": HARBOR_TOKEN}))
    assert list(before) == list(after)
    [uid] = after
    assert after[uid].decoded("dtstart") - before[uid].decoded("dtstart") == timedelta(hours=3)


def test_a_calendar_app_subscribes_with_the_token_in_the_url(client, bookings):
    answer = client.get(FEED, query_string={"token": NORTH_TOKEN})
    assert answer.status_code == 200
    assert list(events(answer)) == [f"booking-{bookings['north']}.north-nails@onward"]


@pytest.mark.parametrize("headers, query", [
    ({}, {}),
    ({"Authorization": "Bearer not-a-token"}, {}),
    ({}, {"token": "not-a-token"}),
    ({"Authorization": "Basic " + HARBOR_TOKEN}, {}),
    ({}, {"token": ""}),
])
def test_without_a_good_token_the_feed_is_refused(client, bookings, headers, query):
    answer = client.get(FEED, headers=headers, query_string=query)
    assert answer.status_code == 401 and b"BEGIN:VCALENDAR" not in answer.data


def test_a_tenant_never_sees_another_tenants_bookings(client, bookings):
    harbor = events(client.get(FEED, query_string={"token": HARBOR_TOKEN}))
    north = events(client.get(FEED, query_string={"token": NORTH_TOKEN}))
    assert not set(harbor) & set(north)
    assert all(uid.endswith(".north-nails@onward") for uid in north)


def test_an_empty_calendar_is_still_a_valid_feed(client):
    answer = client.get(FEED, headers={"Authorization": f"Bearer {HARBOR_TOKEN}"})
    assert answer.status_code == 200
    assert events(answer) == {} and Calendar.from_ical(answer.data)["x-wr-calname"] == "Harbor Street Barbers bookings"

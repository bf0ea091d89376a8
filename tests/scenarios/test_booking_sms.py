"""Customers booking Harbor Street Barbers by text, told as they happen: texts in, replies
and texts out, bookings in the calendar. It is Monday Nov 23 2026, 10:00 in New York;
the shop has two chairs, a 15 minute grid, 5 minutes of buffer, 2 hours' notice, a 30
day horizon, 10 minute holds, reminders 24 hours ahead and a 12 hour cancel cutoff."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY, BEN, CARA, MARCO, local, texts_to
from tests.conftest import HARBOR_TOKEN

AUTH = {"Authorization": f"Bearer {HARBOR_TOKEN}"}


def api_bookings(client, **filters) -> list[dict]:
    response = client.get("/api/v1/bookings", headers=AUTH, query_string=filters)
    assert response.status_code == 200
    return response.get_json()["items"]


def test_a_haircut_booked_in_one_text_then_yes(text, runtime, client):
    assert text(AMY, "haircut tomorrow at 3") == "Haircut, Tue Nov 24 at 3:00 PM, $35. Reply YES to book."
    [held] = api_bookings(client)
    assert held["state"] == "held" and held["start"] == "2026-11-24T15:00:00-05:00"

    reply = text(AMY, "yes")
    assert reply.startswith("You're booked: Haircut, Tue Nov 24 at 3:00 PM, $35.")
    assert "Reply X to cancel or R to reschedule, at least 12 hours before." in reply
    assert reply.endswith("What name should we put it under?")
    [booked] = api_bookings(client)
    assert booked | {"customer": None} == booked | {
        "id": held["id"], "service": "haircut", "start": "2026-11-24T15:00:00-05:00",
        "end": "2026-11-24T15:30:00-05:00", "state": "confirmed", "price": 35, "deposit": 0, "customer": None}
    assert texts_to(runtime, MARCO, "notice") == ["New booking: Haircut Tue Nov 24 at 3:00 PM for +16175557001."]

    assert text(AMY, "Amy Lee") == "Thanks, Amy!"
    assert api_bookings(client)[0]["customer"] == {"name": "Amy Lee", "phone": AMY}
    assert text(AMY, "Bob").startswith("What would you like to do")  # asked once: a later word is not a name


@pytest.mark.parametrize("answer", ["no thanks", "no", "skip", "Skip.", "nope", "rather not", "pass"])
def test_no_to_the_name_question_keeps_the_booking_and_stores_no_name(text, client, answer):
    text(AMY, "haircut tomorrow at 3")
    assert text(AMY, "yes").endswith("What name should we put it under?")
    assert text(AMY, answer) == "OK. Text us any time."
    [booked] = api_bookings(client)
    assert booked["state"] == "confirmed" and booked["customer"] == {"name": None, "phone": AMY}


def test_a_booking_over_several_texts_and_a_change_of_mind(text, client):
    assert text(BEN, "hi, this is Ben, can I book an appointment?").startswith("Which service would you like?")
    assert text(BEN, "haircut") == "Sure, a Haircut ($35). What day and time would you like?"
    assert text(BEN, "tomorrow") == ("What time on Tue Nov 24? We're open 9:00 AM to 7:00 PM; "
                                     "the first free time is 9:00 AM.")
    assert text(BEN, "3pm") == "Haircut, Tue Nov 24 at 3:00 PM, $35. Reply YES to book."
    assert text(BEN, "actually make it 4") == "Haircut, Tue Nov 24 at 4:00 PM, $35. Reply YES to book."
    [held] = api_bookings(client)  # the 3 PM hold was let go
    assert held["start"] == "2026-11-24T16:00:00-05:00" and held["state"] == "held"

    reply = text(BEN, "yes")
    assert reply.startswith("You're booked: Haircut, Tue Nov 24 at 4:00 PM") and "name" not in reply
    [booked] = api_bookings(client)
    assert booked["state"] == "confirmed" and booked["customer"] == {"name": "Ben", "phone": BEN}


def test_no_thanks_lets_the_held_time_go(text, client):
    text(AMY, "beard trim friday at 11am")
    assert text(AMY, "no thanks") == "OK, nothing is booked. Text us any time."
    assert api_bookings(client) == []


def test_a_taken_time_gets_the_three_nearest_free_times(text, client):
    for phone in (AMY, BEN):
        text(phone, "haircut tomorrow at 3")
        text(phone, "yes")
    reply = text(CARA, "haircut tomorrow at 3")
    assert reply == ("Tue Nov 24 at 3:00 PM is taken. Nearest free: 1) Tue Nov 24 at 2:00 PM; "
                     "2) Tue Nov 24 at 2:15 PM; 3) Tue Nov 24 at 3:45 PM. Reply 1, 2 or 3 to pick, "
                     "or name another time.")
    assert len(reply) < 320
    assert text(CARA, "2").startswith("You're booked: Haircut, Tue Nov 24 at 2:15 PM, $35.")
    assert {b["start"] for b in api_bookings(client, state="confirmed")} == {
        "2026-11-24T15:00:00-05:00", "2026-11-24T14:15:00-05:00"}


def test_a_full_day_offers_the_days_around_it(text, runtime, client):
    with runtime.db.session() as session:
        fill_day(session, runtime.tenants.get("harbor-barbers"), local(25, 9), local(25, 19))
    reply = text(AMY, "haircut on wednesday afternoon")  # closest to Wednesday noon: Tuesday evening
    assert reply == ("Wed Nov 25 is fully booked. Nearest free: 1) Tue Nov 24 at 6:00 PM; "
                     "2) Tue Nov 24 at 6:15 PM; 3) Tue Nov 24 at 6:30 PM. Reply 1, 2 or 3 to pick, "
                     "or name another time.")
    assert text(AMY, "thursday at 9am") == "Haircut, Thu Nov 26 at 9:00 AM, $35. Reply YES to book."
    assert text(AMY, "yes").startswith("You're booked: Haircut, Thu Nov 26 at 9:00 AM")


def test_a_day_with_free_afternoon_times_lists_them(text):
    assert text(AMY, "cut and beard thursday afternoon") == (
        "Free times: 1) Thu Nov 26 at 12:00 PM; 2) Thu Nov 26 at 12:15 PM; 3) Thu Nov 26 at 12:30 PM. "
        "Reply 1, 2 or 3 to pick, or name another time.")
    assert text(AMY, "1").startswith("You're booked: Cut and beard, Thu Nov 26 at 12:00 PM, $50.")


def test_a_number_not_on_the_list_is_read_as_a_time(text):
    text(AMY, "cut and beard thursday afternoon")
    assert text(AMY, "7") == ("Thu Nov 26 at 7:00 PM is outside our hours (9:00 AM to 7:00 PM). Nearest free: "
                              "1) Thu Nov 26 at 5:45 PM; 2) Thu Nov 26 at 6:00 PM; 3) Thu Nov 26 at 6:15 PM. "
                              "Reply 1, 2 or 3 to pick, or name another time.")
    assert text(AMY, "1").startswith("You're booked: Cut and beard, Thu Nov 26 at 5:45 PM, $50.")


def test_a_deposit_is_noted_when_the_shop_takes_no_payments(text, client):
    text(AMY, "color on friday at 10am")
    reply = text(AMY, "yes")
    assert "Color, Fri Nov 27 at 10:00 AM, $120. Deposit $30, paid in the shop." in reply
    assert api_bookings(client)[0] | {"customer": None} == api_bookings(client)[0] | {
        "state": "confirmed", "price": 120, "deposit": 30, "customer": None}


def fill_day(session, tenant, start, end):
    """Both chairs booked from start to end by two walk-in regulars."""
    from agents.booking.customers import upsert_customer
    from agents.booking.lifecycle import confirm, place_hold, service_of

    cut = service_of(tenant, "haircut")
    for n, phone in enumerate(("+16175559001", "+16175559002")):
        customer = upsert_customer(session, tenant.tenant, phone, start)
        moment = start
        while moment + cut.duration <= end:
            booking = place_hold(session, tenant, customer, cut, moment, start - timedelta(days=3),
                                 key=f"fill-{n}-{moment.isoformat()}", interaction_id=None)
            confirm(tenant, booking, start - timedelta(days=3))
            moment += timedelta(minutes=35)

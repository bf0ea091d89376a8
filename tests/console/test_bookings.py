"""Bookings: a day and a week by chair, a booking's page, and Move and Cancel from it
through the same rules and texts as a customer's own text. Staff and other tenants see none."""
from __future__ import annotations

import re
import pytest
from sqlalchemy import func, select

from store.models import Booking, IntegrationJob, Message
from tests.booking.fixtures import MARCO, local, text  # noqa: F401 - the text fixture
from tests.booking.fixtures import MONDAY_10AM, texts_to
from tests.console.conftest import AVA, DANA, SAM
from tests.console.pages import AMY, BEN, CARA, book, monday  # noqa: F401 - the monday fixture


@pytest.fixture
def booked(text, runtime, monday):  # noqa: F811
    """Amy (Wed 3 PM) and Ben (Wed 3:15 PM) booked by text; Cara booked Thursday and cancelled."""
    amy = book(text, runtime, AMY, "this is Amy, haircut wednesday at 3pm")
    ben = book(text, runtime, BEN, "haircut wednesday at 3:15pm")
    cara = book(text, runtime, CARA, "beard trim thursday at 11am")
    assert "cancelled" in text(CARA, "cancel my appointment")
    return {"amy": amy, "ben": ben, "cara": cara}


def start_of(runtime, booking_id: int):
    with runtime.db.session() as session:
        return session.get(Booking, booking_id).start


def outbox_count(runtime) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count(Message.id)).where(Message.direction == "out"))


def test_the_week_by_chair_holds_confirmed_and_cancelled_bookings(console_client, booked):
    console_client.sign_in(DANA)
    week = console_client.get("/console/bookings?day=2026-11-25&view=week").text
    chair1 = re.search(r'id="day-2026-11-25-chair-1">(.*?)</div>', week, re.S).group(1)
    chair2 = re.search(r'id="day-2026-11-25-chair-2">(.*?)</div>', week, re.S).group(1)
    assert "15:00–15:30" in chair1 and "Amy" in chair1  # overlapping bookings sit on two chairs
    assert "15:15–15:45" in chair2 and "+16175557002" in chair2
    assert 'id="day-2026-11-23"' in week and 'id="day-2026-11-29"' in week  # Monday to Sunday
    thursday = re.search(r'id="day-2026-11-26".*?</section>', week, re.S).group(0)
    assert "1 cancelled" in thursday and f'id="booking-{booked["cara"]}"' in thursday
    day = console_client.get("/console/bookings?day=2026-11-25").text
    assert f'/console/bookings/{booked["amy"]}' in day and 'id="day-2026-11-26"' not in day


def test_a_held_offer_shows_on_its_chair_until_it_lapses(console_client, text, runtime, monday):  # noqa: F811
    text(BEN, "haircut tuesday at 4pm")
    console_client.sign_in(DANA)
    assert re.search(r'class="booking held".*?16:00', console_client.get("/console/bookings?day=2026-11-24").text, re.S)
    monday.move(minutes=11)  # the hold was for 10 minutes
    assert "16:00" not in console_client.get("/console/bookings?day=2026-11-24").text


def test_a_booking_opens_to_its_customer_texts_deposit_and_outside_writes(console_client, runtime, booked):
    with runtime.db.session() as session:
        session.add(IntegrationJob(tenant="harbor-barbers", booking_id=booked["amy"], kind="crm.upsert_contact",
                                   change="booked", idempotency_key="console-test", state="failed", attempts=5,
                                   last_error="CRM answered 503", next_try_at=MONDAY_10AM))
    console_client.sign_in(DANA)
    page = console_client.get(f"/console/bookings/{booked['amy']}").text
    assert "Haircut" in page and "Amy" in page and AMY in page
    assert "You&#39;re booked: Haircut, Wed Nov 25 at 3:00 PM" in page  # the texts with the customer
    assert "crm.upsert_contact" in page and "CRM answered 503" in page and ">failed<" in page
    assert "Deposit</dt><dd>none" in page


def test_moving_from_the_page_texts_the_customer_and_the_operator(console_client, runtime, booked):
    console_client.sign_in(DANA)
    answer = console_client.post(f"/console/bookings/{booked['amy']}/move", {"day": "2026-11-26", "time": "11:00"})
    assert answer.status_code == 302
    page = console_client.get(f"/console/bookings/{booked['amy']}").text
    assert "Moved to Thu Nov 26 at 11:00 AM" in page
    assert start_of(runtime, booked["amy"]) == local(26, 11)
    assert texts_to(runtime, AMY, "confirmation")[-1].startswith("Done, your Haircut is now Thu Nov 26 at 11:00 AM")
    assert texts_to(runtime, MARCO, "notice")[-1] == (
        "Moved: Haircut Thu Nov 26 at 11:00 AM (was Wed Nov 25 at 3:00 PM) for Amy (+16175557001).")


@pytest.mark.parametrize("day, at, reason", [
    ("2026-11-25", "15:15", "Wed Nov 25 at 3:15 PM is taken."),  # both chairs busy
    ("2026-11-29", "11:00", "We&#39;re closed on Sundays."),
    ("2026-11-26", "19:00", "Thu Nov 26 at 7:00 PM is outside our hours (9:00 AM to 7:00 PM)."),
    ("2026-11-26", "11:05", "Appointments start every 15 minutes, so not at Thu Nov 26 at 11:05 AM."),
    ("2026-11-23", "09:00", "Mon Nov 23 at 9:00 AM has already passed."),
    ("2026-11-25", "15:00", "It is at Wed Nov 25 at 3:00 PM already."),
    ("yesterday", "15:00", "Give the new day and time"),
    ("2026-11-26", "25:00", "Give the new day and time"),
    ("9999-12-31", "23:00", "Give the new day and time"),
])
def test_a_refused_move_says_why_and_changes_nothing(console_client, runtime, booked, day, at, reason):
    with runtime.db.session() as session:  # a third booking, so 3:15 has no chair free
        session.add(Booking(tenant="harbor-barbers", customer_id=session.get(Booking, booked["ben"]).customer_id,
                            service="haircut", start=local(25, 15, 30), end=local(25, 16), state="confirmed",
                            price=35))
    console_client.sign_in(DANA)
    sent = outbox_count(runtime)
    console_client.post(f"/console/bookings/{booked['amy']}/move", {"day": day, "time": at})
    page = console_client.get(f"/console/bookings/{booked['amy']}").text
    assert reason in page and "Nothing changed." in page, re.findall(r"role=\"status\">([^<]*)", page)
    assert start_of(runtime, booked["amy"]) == local(25, 15)
    assert outbox_count(runtime) == sent


def test_inside_the_cutoff_nothing_moves_or_cancels(console_client, runtime, booked, monday):
    monday.now = local(25, 4)  # 11 hours before Amy's 3 PM; the cutoff is 12
    console_client.sign_in(DANA)
    sent = outbox_count(runtime)
    console_client.post(f"/console/bookings/{booked['amy']}/move", {"day": "2026-11-26", "time": "11:00"})
    assert "past the cutoff for changes" in console_client.get(f"/console/bookings/{booked['amy']}").text
    console_client.post(f"/console/bookings/{booked['amy']}/cancel")
    assert "past the cutoff for changes" in console_client.get(f"/console/bookings/{booked['amy']}").text
    assert start_of(runtime, booked["amy"]) == local(25, 15) and outbox_count(runtime) == sent


def test_cancelling_from_the_page_texts_both_and_frees_the_chair(console_client, runtime, booked):
    console_client.sign_in(DANA)
    console_client.post(f"/console/bookings/{booked['amy']}/cancel")
    with runtime.db.session() as session:
        booking = session.get(Booking, booked["amy"])
    assert (booking.state, booking.cancel_reason) == ("cancelled", "business")
    assert texts_to(runtime, AMY, "confirmation")[-1].startswith("Your Haircut on Wed Nov 25 at 3:00 PM is cancelled")
    assert texts_to(runtime, MARCO, "notice")[-1].startswith("Cancelled: Haircut Wed Nov 25 at 3:00 PM")
    page = console_client.get(f"/console/bookings/{booked['amy']}").text
    assert "Cancelled. The customer has been texted" in page and "Cancel booking" not in page
    console_client.post(f"/console/bookings/{booked['amy']}/cancel")  # again: nothing more
    assert "can&#39;t be changed" in console_client.get(f"/console/bookings/{booked['amy']}").text
    assert len(texts_to(runtime, AMY, "confirmation")) == 1


def test_bad_days_and_views_get_a_clear_answer(console_client, booked):
    console_client.sign_in(DANA)
    for query in ("day=someday", "day=0001-01-01&view=week", "day=2026-11-25&view=month"):
        answer = console_client.get(f"/console/bookings?{query}")
        assert answer.status_code == 400 and 'role="alert"' in answer.text
    assert console_client.get("/console/bookings/99999999999").status_code == 404


def test_staff_are_refused(console_client, booked):
    console_client.sign_in(SAM)
    assert console_client.get("/console/bookings").status_code == 403
    assert console_client.get(f"/console/bookings/{booked['amy']}").status_code == 403
    assert console_client.post(f"/console/bookings/{booked['amy']}/cancel").status_code == 403
    assert "Bookings" not in console_client.get("/console/").text.split("<main>")[0]


def test_another_tenant_sees_none_of_it(console_client, runtime, booked):
    console_client.sign_in(AVA)
    assert "Amy" not in console_client.get("/console/bookings?day=2026-11-25&view=week").text
    assert console_client.get(f"/console/bookings/{booked['amy']}").status_code == 404
    assert console_client.post(f"/console/bookings/{booked['amy']}/move",
                               {"day": "2026-11-26", "time": "11:00"}).status_code == 404
    assert console_client.post(f"/console/bookings/{booked['amy']}/cancel").status_code == 404
    assert start_of(runtime, booked["amy"]) == local(25, 15)


def test_a_move_without_the_csrf_token_is_refused(console_client, runtime, booked):
    console_client.sign_in(DANA)
    answer = console_client.post(f"/console/bookings/{booked['amy']}/move", {"day": "2026-11-26", "time": "11:00"},
                                 csrf=False)
    assert answer.status_code == 400 and start_of(runtime, booked["amy"]) == local(25, 15)

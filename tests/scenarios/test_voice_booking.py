"""Calling Harbor Street Barbers, told as it happens: Twilio posts each step of a call,
signed, to the URLs Onward's TwiML names; Onward answers in TwiML; the texts it queues
go out through a Twilio-compatible Messages API, sent by a real RQ worker.

Webhooks use the real clock, so the day asked for is a weekday a few days from now.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from config.settings import load_settings
from server import create_app
from store.models import Booking, Customer, Message
from tests.conftest import HARBOR_NUMBER, PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, twilio_env
from tests.conversation.test_voice import Call

SAM, MARCO = "+16175550150", "+16175550102"
SHOP = ZoneInfo("America/New_York")


def weekday_soon() -> date:
    """A weekday 2 to 6 days ahead (shop time): open, past the notice, named without doubt."""
    today = datetime.now(SHOP).date()
    return next(day for day in (today + timedelta(days=n) for n in range(2, 7)) if day.weekday() < 5)


def spoken(day: date, clock: str) -> str:
    return f"{day:%A %B} {day.day} at {clock}"


@pytest.fixture
def app(env, twilio_api):
    app = create_app(load_settings({**env, **twilio_env(twilio_api.url)}))
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


@pytest.fixture
def send_texts(app, runtime, twilio_api):
    """Run the queue as `worker --burst` does; return the texts Twilio accepted, by phone."""

    def send() -> dict[str, list[str]]:
        with app.app_context():
            SimpleWorker([runtime.queue], connection=runtime.redis).work(burst=True)
        sent: dict[str, list[str]] = {}
        for request in twilio_api.sent:
            sent.setdefault(request.value("To"), []).append(request.value("Body"))
        return sent

    return send


def test_a_new_caller_books_a_haircut_by_phone_and_gets_it_confirmed_by_text(twilio, runtime, send_texts):
    day = weekday_soon()
    call = Call(twilio, from_=SAM)

    gather = call.answer().find("Gather")
    assert (gather.get("input"), gather.get("actionOnEmptyResult")) == ("speech dtmf", "true")
    assert "Haircut" in gather.get("hints")
    assert call.said.startswith("Thanks for calling Harbor Street Barbers.")

    call.say(f"Hi, I'd like a haircut on {day:%A} at 3pm")
    assert spoken(day, "3 PM") in call.said and "Say YES to book" in call.said

    call.say("yes")
    assert call.said.startswith(f"You're booked: Haircut, {spoken(day, '3 PM')}")
    assert "your name" in call.said

    call.say("Sam Lee")
    assert "Thanks, Sam" in call.said and "anything else" in call.said

    call.say("no, that's all, thanks")
    assert call.hung_up and call.said == "Thanks for calling Harbor Street Barbers. Goodbye."

    assert_sam_booked_a_haircut_at_3(runtime, send_texts, day)

    again = Call(twilio, from_=SAM)
    again.answer()
    assert again.said.startswith("Hi Sam, thanks for calling Harbor Street Barbers.")


def test_a_caller_asks_for_a_person_and_the_operator_hears_what_they_want_first(twilio):
    day = weekday_soon()
    call = Call(twilio, from_=SAM)
    call.answer()
    call.say(f"can I get a beard trim on {day:%A} at 11")
    assert spoken(day, "11 AM") in call.said

    call.say("actually can I talk to a person")
    assert call.said == "Connecting you to Marco now. Please hold."
    number = call.twiml.find("Dial/Number")
    assert number.text == MARCO

    # Marco picks up: Twilio fetches the whisper for his leg of the call, then joins the two.
    whisper = twilio.post(number.get("url").removeprefix(PUBLIC_BASE_URL), {
        "CallSid": twilio.next_sid("CA"), "ParentCallSid": call.sid, "AccountSid": TWILIO_ACCOUNT_SID,
        "From": SAM, "To": MARCO, "Direction": "outbound-dial", "CallStatus": "in-progress"})
    assert ET.fromstring(whisper.text).find("Say").text == (
        f"A caller at 617 555 0150 wants a beard trim on {day:%A} at 11 AM.")

    call.dial_ends("completed")
    assert call.hung_up and "Thanks for calling Harbor Street Barbers" in call.said


def test_when_the_operator_misses_the_call_the_caller_books_with_onward(twilio, runtime):
    day = weekday_soon()
    call = Call(twilio, from_=SAM)
    call.answer()
    call.say(f"beard trim {day:%A} at 11")
    call.say(digits="0")
    assert call.twiml.find("Dial") is not None

    call.dial_ends("no-answer")
    assert "nobody could come to the phone" in call.said
    call.say("yes")
    assert call.said.startswith(f"You're booked: Beard trim, {spoken(day, '11 AM')}")
    with runtime.db.session() as session:
        assert session.scalar(select(Booking.state)) == "confirmed"


def test_a_silent_caller_is_texted_a_way_to_book_and_books_by_text(twilio, send_texts):
    call = Call(twilio, from_=SAM)
    call.answer()
    call.say()
    assert "didn't catch that" in call.said
    call.say()
    assert call.hung_up and "texted you a link to book" in call.said

    [link] = send_texts()[SAM]
    assert f"sms:{HARBOR_NUMBER}?body=BOOK" in link

    # The link opens a text to the shop with BOOK in it; Sam sends it, then says what and when.
    day = weekday_soon()
    assert "Which service" in _replies(twilio.sms(SAM, "BOOK"))
    offer = _replies(twilio.sms(SAM, f"a haircut {day:%A} at 3pm"))
    assert f"Haircut, {day:%a %b} {day.day} at 3:00 PM" in offer
    assert "You're booked" in _replies(twilio.sms(SAM, "YES"))


def _replies(response) -> str:
    assert response.status_code == 200
    return " ".join(m.text or "" for m in ET.fromstring(response.text).iter("Message"))


def test_a_caller_who_speaks_spanish_is_answered_in_spanish_and_heard_as_spanish(twilio, runtime):
    day = weekday_soon()
    call = Call(twilio, from_="+16175550160")
    call.answer()
    assert call.said.startswith("Thanks for calling Harbor Street Barbers.")  # nothing known of them yet

    call.say(f"hola, quiero un corte el {('lunes', 'martes', 'miércoles', 'jueves', 'viernes')[day.weekday()]} "
             "a las 3 de la tarde")
    [say] = call.twiml.iter("Say")
    assert say.get("language") == "es-MX" and call.twiml.find("Gather").get("language") == "es-MX"
    assert call.said.startswith("Haircut, ") and "Di SÍ para reservar." in call.said

    again = Call(twilio, from_="+16175550160")  # a later call: the record keeps the language
    again.answer()
    assert again.said.startswith("Gracias por llamar a Harbor Street Barbers.")


def test_the_keypad_answers_an_offer_on_a_gathered_call_too(twilio, runtime):
    day = weekday_soon()
    call = Call(twilio, from_=SAM)
    call.answer()
    call.say(f"a haircut on {day:%A} at 3pm")
    assert call.said.endswith("Say YES to book. Or press 1 for yes, 2 for no.")
    call.say(digits="1")
    assert call.said.startswith(f"You're booked: Haircut, {spoken(day, '3 PM')}")


def assert_sam_booked_a_haircut_at_3(runtime, send_texts, day) -> None:
    """Sam's call booked a haircut on `day` at 3 PM: the booking, his record, and the texts to
    him and to the operator."""
    with runtime.db.session() as session:
        booking = session.scalar(select(Booking))
        customer = session.get(Customer, booking.customer_id)
        confirmation = session.scalar(select(Message).where(Message.purpose == "confirmation"))
    assert (booking.service, booking.state) == ("haircut", "confirmed")
    assert booking.start.astimezone(SHOP) == datetime(day.year, day.month, day.day, 15, tzinfo=SHOP)
    assert (customer.phone, customer.name) == (SAM, "Sam Lee")
    assert (confirmation.to_phone, confirmation.from_phone) == (SAM, HARBOR_NUMBER)
    sent = send_texts()
    [text] = sent[SAM]
    assert text.startswith(f"You're booked: Haircut, {day:%a %b} {day.day} at 3:00 PM") and len(text) <= 320
    assert any(body.startswith("New booking: Haircut") for body in sent[MARCO])


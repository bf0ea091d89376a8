"""Calling Harbor Street Barbers in relay mode, told as it happens: Twilio answers the call with
Onward's <ConversationRelay>, opens the signed WebSocket and speaks the documented messages; the
caller books, keys their yes and says goodbye; the
confirmation and the operator's notice go out through a Twilio-compatible Messages API, sent by a
real RQ worker, exactly as for a booking by text."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from config.settings import load_settings
from server import create_app
from store.models import Booking
from tests.conftest import twilio_env
from tests.conversation.relay_caller import Clock, RelayCaller, relay_tenants
from tests.scenarios.test_voice_booking import assert_sam_booked_a_haircut_at_3, send_texts, spoken, weekday_soon  # noqa: F401 (a fixture)

SAM = "+16175550150"


@pytest.fixture
def app(env, tmp_path, twilio_api):
    settings = load_settings({**env, **twilio_env(twilio_api.url),
                              "ONWARD_CONFIG_DIR": str(relay_tenants(tmp_path / "tenants"))})
    app = create_app(settings)
    app.config["RELAY_CLOCK"] = Clock()
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


@pytest.fixture
def call(twilio, live_server):
    caller = RelayCaller(twilio, live_server, SAM)
    yield caller
    caller.close()


def test_a_caller_books_on_a_relay_call_and_gets_it_confirmed_by_text(call, runtime, send_texts):
    day = weekday_soon()
    greeting = call.answer().find("Connect/ConversationRelay").get("welcomeGreeting")
    assert greeting.startswith("Thanks for calling Harbor Street Barbers.")
    call.connect()

    offer = call.say(f"Hi, I'd like a haircut on {day:%A} at 3pm")
    assert spoken(day, "3 PM") in offer and "Say YES to book. Or press 1 for yes, 2 for no." in offer

    booked = call.press("1")  # the keypad's yes
    assert booked.startswith(f"You're booked: Haircut, {spoken(day, '3 PM')}") and "your name" in booked

    assert "Thanks, Sam" in call.say("Sam Lee")
    assert call.say("no, that's all, thanks") == "" and call.ended == {"reasonCode": "goodbye", "step": 4}
    goodbye = call.session_ends(call.ended)
    assert goodbye.find("Say").text == "Thanks for calling Harbor Street Barbers. Goodbye."
    assert goodbye.find("Hangup") is not None

    assert_sam_booked_a_haircut_at_3(runtime, send_texts, day)


def test_the_keypads_no_turns_an_offer_down(call, runtime):
    day = weekday_soon()
    call.answer()
    call.connect()
    call.say(f"a beard trim on {day:%A} at 11")
    assert call.press("2").startswith("OK, nothing is booked.")
    with runtime.db.session() as session:
        assert session.scalar(select(Booking)) is None

"""Voice: the greeting with a Gather, turns, silence, replays."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import func, select

from store.models import Interaction
from tests.conftest import HARBOR_NUMBER, PUBLIC_BASE_URL

CALLER = "+16175550150"


def call(twilio, path="/twilio/voice", call_sid="CA" + "1" * 32, **extra):
    params = {"CallSid": call_sid, "From": CALLER, "To": HARBOR_NUMBER, "AccountSid": "AC" + "0" * 32, **extra}
    return twilio.post(path, params)


def test_a_call_is_greeted_with_a_gather(twilio):
    response = call(twilio)
    assert response.status_code == 200
    gather = ET.fromstring(response.text).find("Gather")
    assert gather.get("input") == "speech dtmf"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("action") == f"{PUBLIC_BASE_URL}/twilio/voice/gather?turn=1"
    assert "Haircut" in gather.get("hints")
    assert "Harbor Street Barbers" in gather.find("Say").text


def test_two_silent_turns_end_the_call_politely(twilio):
    first = call(twilio, "/twilio/voice/gather?turn=1")
    assert ET.fromstring(first.text).find("Gather").get("action").endswith("turn=2&silent=1")
    second = call(twilio, "/twilio/voice/gather?turn=2&silent=1")
    root = ET.fromstring(second.text)
    assert root.find("Hangup") is not None and "Goodbye" in root.find("Say").text


def test_a_spoken_turn_is_answered_and_listened_on(twilio):
    response = call(twilio, "/twilio/voice/gather?turn=1", SpeechResult="what's the weather")
    gather = ET.fromstring(response.text).find("Gather")
    assert gather.get("action").endswith("turn=2")
    assert gather.find("Say").text


def test_a_replayed_turn_is_taken_once(twilio, runtime):
    first = call(twilio, "/twilio/voice/gather?turn=1", SpeechResult="hello")
    again = call(twilio, "/twilio/voice/gather?turn=1", SpeechResult="hello")
    assert first.text == again.text
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Interaction)) == 1


def test_bad_voice_requests(twilio):
    assert call(twilio, call_sid="").status_code == 400
    assert call(twilio, "/twilio/voice/gather").status_code == 400
    assert call(twilio, "/twilio/voice/gather?turn=abc").status_code == 400
    assert call(twilio, To="+16175550177").status_code == 200  # unknown number: polite goodbye
    assert twilio.post("/twilio/voice", {"CallSid": "CA1", "From": CALLER, "To": HARBOR_NUMBER},
                       signed=False).status_code == 403

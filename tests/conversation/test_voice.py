"""Voice: the greeting with a Gather, turns through the engine, silence, the operator with
a whisper, replays and bad requests. Calls follow the action URLs Onward answers with, as
Twilio does."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from store.models import Customer, Execution, Interaction, Message, OptOut
from tests.conftest import HARBOR_NUMBER, PUBLIC_BASE_URL, Twilio

CALLER = "+16175550150"
MARCO = "+16175550102"


class Call:
    """One phone call to the business: answered, then each turn posted to the URL the last
    TwiML named, signed as Twilio signs it."""

    def __init__(self, twilio: Twilio, from_: str = CALLER, to: str = HARBOR_NUMBER, sid: str | None = None):
        self.twilio, self.from_, self.to = twilio, from_, to
        self.sid = sid or twilio.next_sid("CA")
        self.next_path: str | None = None
        self.twiml: ET.Element | None = None

    def answer(self) -> ET.Element:
        return self._post("/twilio/voice", {})

    def say(self, words: str = "", digits: str = "", **extra) -> ET.Element:
        """Speak (or key, or stay silent) into the last Gather."""
        said = {"SpeechResult": words, "Confidence": "0.9"} if words else {}
        return self._post(self.next_path, {**said, **({"Digits": digits} if digits else {}), **extra})

    def dial_ends(self, status: str) -> ET.Element:
        """Twilio posts to the Dial's action when the call to the operator ends."""
        return self._post(self.next_path, {"DialCallStatus": status})

    def post(self, path: str, params: dict):
        return self.twilio.post(path, {"CallSid": self.sid, "AccountSid": "AC" + "0" * 32,
                                       "From": self.from_, "To": self.to, **params})

    def _post(self, path: str, params: dict) -> ET.Element:
        response = self.post(path, params)
        assert response.status_code == 200, response.text
        self.twiml = ET.fromstring(response.text)
        action = self.twiml.find(".//Gather") if self.twiml.find(".//Gather") is not None else self.twiml.find("Dial")
        self.next_path = action.get("action").removeprefix(PUBLIC_BASE_URL) if action is not None else None
        return self.twiml

    @property
    def said(self) -> str:
        return " ".join(s.text or "" for s in self.twiml.iter("Say"))

    @property
    def hung_up(self) -> bool:
        return self.twiml.find("Hangup") is not None


def texts_to(runtime, phone: str) -> list[Message]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Message).where(Message.to_phone == phone, Message.direction == "out")
                                    .order_by(Message.id)))


def count(runtime, model) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


# The call is answered

def test_a_call_is_answered_with_the_business_name_and_a_gather(twilio):
    call = Call(twilio)
    gather = call.answer().find("Gather")
    assert gather.get("input") == "speech dtmf"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("action") == f"{PUBLIC_BASE_URL}/twilio/voice/gather?turn=1"
    assert {"Haircut", "Beard trim", "fade", "operator"} <= set(gather.get("hints").split(", "))
    assert call.said.startswith("Thanks for calling Harbor Street Barbers.")
    assert "press 0" in call.said


def test_a_known_customer_is_greeted_by_first_name(twilio, runtime):
    with runtime.db.session() as session:
        session.add(Customer(tenant="harbor-barbers", phone=CALLER, name="Sam Lee"))
    call = Call(twilio)
    call.answer()
    assert call.said.startswith("Hi Sam, thanks for calling Harbor Street Barbers.")


def test_a_configured_person_is_greeted_by_first_name(twilio):
    call = Call(twilio, from_="+16175550101")
    call.answer()
    assert call.said.startswith("Hi Dana, thanks for calling Harbor Street Barbers.")


def test_a_configured_person_is_asked_to_text_their_work_and_can_still_reach_the_operator(twilio, runtime):
    call = Call(twilio, from_="+16175550103")
    call.answer()
    call.say("done")
    assert "Please text this number instead" in call.said and call.twiml.find("Gather") is not None
    call.say("operator")
    assert call.twiml.find("Dial/Number").text == MARCO


def test_the_same_customer_of_another_business_is_not_known_here(twilio, runtime):
    with runtime.db.session() as session:
        session.add(Customer(tenant="north-nails", phone=CALLER, name="Sam Lee"))
    call = Call(twilio)
    call.answer()
    assert "Sam" not in call.said


# Turns

def test_a_spoken_turn_runs_the_engine_and_listens_on(twilio, runtime):
    call = Call(twilio)
    call.answer()
    gather = call.say("what's the weather like").find("Gather")
    assert gather.get("action").endswith("/twilio/voice/gather?turn=2")
    assert call.said and not call.hung_up
    with runtime.db.session() as session:
        row = session.scalar(select(Interaction).where(Interaction.provider_key == f"voice:{call.sid}:1"))
        assert row.text == "what's the weather like" and row.channel == "voice"
        assert session.scalar(select(func.count()).select_from(Execution)) == 2


def test_digits_are_taken_like_words(twilio, runtime):
    call = Call(twilio)
    call.answer()
    call.say(digits="7#")
    assert call.twiml.find("Gather") is not None
    with runtime.db.session() as session:
        assert session.scalar(select(Interaction.text).where(Interaction.provider_key == f"voice:{call.sid}:1")) == "7#"


def test_cancel_said_on_a_call_is_no_opt_out(twilio, runtime):
    call = Call(twilio)
    call.answer()
    call.say("cancel")
    assert not call.hung_up
    assert count(runtime, OptOut) == 0


def test_a_caller_who_is_done_is_told_goodbye(twilio):
    call = Call(twilio)
    call.answer()
    call.say("no thanks, that's all")
    assert call.hung_up and "Goodbye" in call.said


def test_a_long_call_is_asked_to_carry_on_by_text(twilio):
    call = Call(twilio)
    call.answer()
    call.next_path = "/twilio/voice/gather?turn=49"
    call.say("what's the weather")
    assert call.hung_up and "text us" in call.said


# Silence

def test_two_silent_turns_end_the_call_and_text_a_booking_link_once(twilio, runtime):
    call = Call(twilio)
    call.answer()
    call.say()
    assert "didn't catch that" in call.said and not call.hung_up
    second_path = call.next_path
    call.say()
    assert call.hung_up and "texted you a link" in call.said and "Goodbye" in call.said
    replayed = call.post(second_path, {})
    assert ET.fromstring(replayed.text).find("Hangup") is not None
    [link] = texts_to(runtime, CALLER)
    assert link.purpose == "notice" and link.from_phone == HARBOR_NUMBER
    assert f"sms:{HARBOR_NUMBER}?body=BOOK" in link.body and "reply BOOK" in link.body
    assert len(link.body) <= 320


def test_silence_counts_only_in_a_row(twilio, runtime):
    call = Call(twilio)
    call.answer()
    call.say()
    call.say("hello there")
    call.say()
    assert not call.hung_up
    call.say()
    assert call.hung_up
    assert len(texts_to(runtime, CALLER)) == 1


def test_a_new_call_counts_silence_afresh(twilio):
    first = Call(twilio)
    first.answer()
    first.say()
    second = Call(twilio)
    second.answer()
    second.say()
    assert not second.hung_up


def test_an_opted_out_caller_is_not_told_a_text_is_coming(twilio, runtime):
    with runtime.db.session() as session:
        session.add(OptOut(tenant="harbor-barbers", phone=CALLER))
    call = Call(twilio)
    call.answer()
    call.say()
    call.say()
    assert call.hung_up and "texted" not in call.said and "call or text us again" in call.said
    assert [m.status for m in texts_to(runtime, CALLER)] == ["failed"]


# The operator

@pytest.mark.parametrize("words, digits", [("operator", ""), ("can I talk to someone please", ""),
                                           ("a person", ""), ("", "0")])
def test_asking_for_a_person_dials_the_operator_with_a_whisper(twilio, words, digits):
    call = Call(twilio)
    call.answer()
    call.say(words, digits)
    dial = call.twiml.find("Dial")
    number = dial.find("Number")
    assert number.text == MARCO
    assert number.get("url") == f"{PUBLIC_BASE_URL}/twilio/voice/whisper?call={call.sid}"
    assert dial.get("action") == f"{PUBLIC_BASE_URL}/twilio/voice/gather?turn=2"
    assert "Connecting you to Marco" in call.said


def test_an_odd_call_sid_still_makes_a_whisper_url_that_finds_the_call(twilio):
    call = Call(twilio, sid="CA odd&sid=1")
    call.answer()
    call.say("operator")
    url = call.twiml.find("Dial/Number").get("url")
    assert parse_qs(urlsplit(url).query) == {"call": ["CA odd&sid=1"]}
    whisper = twilio.post(url.removeprefix(PUBLIC_BASE_URL), {"CallSid": "CA2", "To": MARCO})
    assert "asked for a person straight away" in whisper.text


def test_the_operator_hears_who_calls_before_being_put_through(twilio, runtime):
    with runtime.db.session() as session:
        session.add(Customer(tenant="harbor-barbers", phone=CALLER, name="Sam Lee"))
    call = Call(twilio)
    call.answer()
    call.say("I'd like a haircut tomorrow at 3")
    call.say("operator")
    whisper_url = call.twiml.find("Dial/Number").get("url").removeprefix(PUBLIC_BASE_URL)
    whisper = twilio.post(whisper_url, {"CallSid": twilio.next_sid("CA"), "From": CALLER, "To": MARCO,
                                        "ParentCallSid": call.sid, "AccountSid": "AC" + "0" * 32})
    assert whisper.status_code == 200
    assert ET.fromstring(whisper.text).find("Say").text == (
        "Caller Sam Lee at 617 555 0150 wants a haircut tomorrow at 3 PM.")
    again = twilio.post(whisper_url, {"CallSid": twilio.next_sid("CA"), "To": MARCO})
    assert again.text == whisper.text


def test_a_caller_whose_words_make_no_request_is_quoted(twilio):
    call = Call(twilio)
    call.answer()
    call.say("blah blah blah")
    call.say("operator")
    whisper = twilio.post(f"/twilio/voice/whisper?call={call.sid}", {"CallSid": "CA2", "To": MARCO})
    assert ET.fromstring(whisper.text).find("Say").text == 'A caller at 617 555 0150 said: "blah blah blah".'


def test_a_caller_who_asks_for_a_person_at_once_is_summed_up_so(twilio):
    call = Call(twilio)
    call.answer()
    call.say(digits="0")
    whisper = twilio.post(f"/twilio/voice/whisper?call={call.sid}", {"CallSid": "CA2", "To": MARCO})
    assert ET.fromstring(whisper.text).find("Say").text == (
        "A caller at 617 555 0150 asked for a person straight away.")


def test_after_the_operator_talked_the_call_ends(twilio):
    call = Call(twilio)
    call.answer()
    call.say("operator")
    call.dial_ends("completed")
    assert call.hung_up and "Thanks for calling Harbor Street Barbers" in call.said


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed"])
def test_when_nobody_answers_the_caller_is_offered_another_way(twilio, status):
    call = Call(twilio)
    call.answer()
    call.say("operator")
    call.dial_ends(status)
    assert "nobody could come to the phone" in call.said and not call.hung_up
    assert call.next_path == "/twilio/voice/gather?turn=3"
    call.say("what are your hours")
    assert call.twiml.find("Gather") is not None


# Replays and bad input

def test_a_replayed_turn_is_taken_once(twilio, runtime):
    call = Call(twilio)
    call.answer()
    path = call.next_path
    first = call.post(path, {"SpeechResult": "operator"})
    again = call.post(path, {"SpeechResult": "operator"})
    assert first.text == again.text and "<Dial" in first.text
    replayed_start = call.post("/twilio/voice", {})
    assert "<Gather" in replayed_start.text
    assert count(runtime, Interaction) == 2
    assert count(runtime, Execution) == 2


def test_a_turn_posted_to_the_bare_gather_route_is_the_next_step(twilio, runtime):
    """DESIGN names POST /twilio/voice/gather; without ?turn= the turn is the call's next."""
    call = Call(twilio)
    call.answer()
    first = call.post("/twilio/voice/gather", {"SpeechResult": "what are your hours"})
    assert first.status_code == 200 and "<Gather" in first.text and "hours" in first.text.lower()
    assert 'action="https://onward.example.com/twilio/voice/gather?turn=2"' in first.text
    silent = call.post("/twilio/voice/gather", {})
    assert silent.status_code == 200 and "<Say>" in silent.text
    with runtime.db.session() as session:
        keys = session.scalars(select(Interaction.provider_key).order_by(Interaction.id)).all()
    assert keys == [f"voice:{call.sid}:0", f"voice:{call.sid}:1", f"voice:{call.sid}:2"]


def test_bad_voice_requests_change_nothing(twilio, runtime):
    call = Call(twilio)
    assert call.post("/twilio/voice", {"CallSid": ""}).status_code == 400
    assert call.post("/twilio/voice", {"From": "not a phone"}).status_code == 400
    assert twilio.post("/twilio/voice/gather", {"From": CALLER, "To": HARBOR_NUMBER}).status_code == 400
    assert call.post("/twilio/voice/gather?turn=abc", {}).status_code == 400
    assert call.post("/twilio/voice/gather?turn=0", {}).status_code == 400
    assert call.post("/twilio/voice/gather?turn=51", {}).status_code == 400
    assert call.post("/twilio/voice/gather?turn=1", {"SpeechResult": "a" * 1601}).status_code == 400
    assert call.post("/twilio/voice/whisper", {}).status_code == 400
    assert call.post("/twilio/voice/whisper?call=" + "C" * 65, {}).status_code == 400
    unknown = call.post("/twilio/voice", {"To": "+16175550177"})
    assert unknown.status_code == 200 and "<Hangup" in unknown.text
    assert count(runtime, Interaction) == 0 and count(runtime, Message) == 0


@pytest.mark.parametrize("path", ["/twilio/voice", "/twilio/voice/gather?turn=1", "/twilio/voice/whisper?call=CA1"])
def test_unsigned_or_missigned_voice_requests_are_refused(twilio, runtime, path):
    params = {"CallSid": "CA1", "From": CALLER, "To": HARBOR_NUMBER}
    assert twilio.post(path, params, signed=False).status_code == 403
    assert twilio.post(path, params, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    signed_elsewhere = twilio.validator.compute_signature("https://attacker.example" + path, params)
    assert twilio.post(path, params, signature=signed_elsewhere).status_code == 403
    assert count(runtime, Interaction) == 0


def test_a_whisper_for_an_unknown_call_still_connects(twilio):
    response = twilio.post("/twilio/voice/whisper?call=CA404", {"CallSid": "CA2", "To": MARCO})
    assert ET.fromstring(response.text).find("Say").text == "You have a caller on the line."


def test_garbled_speech_is_answered_and_listened_on(twilio):
    call = Call(twilio)
    call.answer()
    call.say("\x00\x07 ~~~ ¿¿ 🙃 zzkq")
    assert call.twiml.find("Gather") is not None and call.said

"""Relay mode: the call answered with <Connect><ConversationRelay>, the WebSocket's signed handshake,
turns through the engine streamed back a sentence a token, keys, interruptions, silence timed by a
clock the test moves, Spanish, the operator hand-off, and bad messages."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import simple_websocket
from sqlalchemy import select

from config.settings import load_settings
from conversation.relay_call import sentences
from server import create_app
from store.models import Execution, Interaction, Message
from tests.conftest import HARBOR_NUMBER, NORTH_NUMBER, PUBLIC_BASE_URL
from tests.conversation.relay_caller import Clock, RelayCaller, relay_tenants
from tests.conversation.test_voice import texts_to
from tests.scenarios.test_voice_booking import weekday_soon

CALLER, MARCO = "+16175550150", "+16175550102"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(env, tmp_path, clock):
    app = create_app(load_settings({**env, "ONWARD_CONFIG_DIR": str(relay_tenants(tmp_path / "tenants"))}))
    app.config["RELAY_CLOCK"] = clock
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


@pytest.fixture
def caller(twilio, live_server):
    callers = []

    def make(from_: str = CALLER, to: str = HARBOR_NUMBER) -> RelayCaller:
        callers.append(RelayCaller(twilio, live_server, from_, to))
        return callers[-1]

    yield make
    for each in callers:
        each.close()


def connected(caller, from_: str = CALLER) -> RelayCaller:
    call = caller(from_)
    call.answer()
    call.connect()
    return call


def executions(runtime) -> list[tuple[str, list[dict]]]:
    with runtime.db.session() as session:
        rows = session.execute(select(Interaction.provider_key, Execution.steps)
                               .join(Execution, Execution.interaction_id == Interaction.id)
                               .order_by(Execution.id)).all()
    return [(key, steps) for key, steps in rows]


# The call is answered

def test_a_relay_tenants_call_is_answered_with_a_conversation_relay(caller):
    twiml = caller().answer()
    connect = twiml.find("Connect")
    relay = connect.find("ConversationRelay")
    assert connect.get("action") == f"{PUBLIC_BASE_URL}/twilio/voice/relay-ended"
    assert relay.get("url") == "wss://onward.example.com/twilio/relay"
    assert relay.get("welcomeGreeting").startswith("Thanks for calling Harbor Street Barbers.")
    assert relay.get("language") == "en-US"
    assert (relay.get("interruptible"), relay.get("dtmfDetection")) == ("any", "true")
    assert "Haircut" in relay.get("hints") and "operator" in relay.get("hints")
    assert {language.get("code") for language in relay.findall("Language")} == {"en-US", "es-MX"}


def test_a_gather_tenant_keeps_its_gather(caller):
    twiml = caller(to=NORTH_NUMBER).answer()
    assert twiml.find("Connect") is None and twiml.find("Gather") is not None


# The handshake

@pytest.mark.parametrize("signature", ["", "bm90IHR3aWxpbydzIHNpZ25hdHVyZQ=="])
def test_a_handshake_not_signed_by_twilio_is_refused_before_the_socket_opens(caller, runtime, signature):
    call = caller()
    with pytest.raises(simple_websocket.ConnectionError) as refused:
        call.connect(signature=signature)
    assert refused.value.status_code == 403
    assert executions(runtime) == []


def test_a_handshake_signed_for_another_url_is_refused(caller, twilio):
    call = caller()
    forged = twilio.validator.compute_signature(f"{PUBLIC_BASE_URL}/twilio/relay", {})  # https, not wss
    with pytest.raises(simple_websocket.ConnectionError) as refused:
        call.connect(signature=forged)
    assert refused.value.status_code == 403


def test_a_session_that_starts_with_anything_but_setup_is_closed(caller, runtime):
    call = caller()
    call.answer()
    call.connect(type="prompt")
    with pytest.raises(simple_websocket.ConnectionClosed):
        call.receive()
    assert [key for key, _ in executions(runtime)] == [f"voice:{call.sid}:0"]


def test_a_call_to_a_number_of_no_tenant_is_closed(caller):
    call = caller(to="+12025550123")
    call.connect()
    with pytest.raises(simple_websocket.ConnectionClosed):
        call.receive()


# Turns

def test_each_prompt_is_a_turn_through_the_engine_answered_a_sentence_a_token(caller, runtime):
    call = connected(caller)
    answer = call.say("what are your hours?")
    tokens = [m for m in call.heard if m["type"] == "text"]
    assert len(tokens) > 1 and [m["last"] for m in tokens] == [False] * (len(tokens) - 1) + [True]
    assert all(m["token"].endswith(" ") for m in tokens[:-1])
    assert "Monday" in answer and answer.endswith("?")

    with runtime.db.session() as session:
        turn = session.scalar(select(Interaction).where(Interaction.provider_key == f"voice:{call.sid}:1"))
    assert (turn.channel, turn.text, turn.from_phone) == ("voice", "what are your hours?", CALLER)
    assert [key for key, _ in executions(runtime)] == [f"voice:{call.sid}:0", f"voice:{call.sid}:1"]


def test_a_partial_prompt_waits_for_the_whole_one(caller):
    call = connected(caller)
    call.send({"type": "prompt", "voicePrompt": "what are", "lang": "en-US", "last": False})
    assert "Monday" in call.say("what are your hours")
    assert len([m for m in call.heard if m["type"] == "text" and m["last"]]) == 1


def test_an_interruption_puts_what_the_caller_heard_into_the_turns_trace(caller, runtime):
    day = weekday_soon()
    call = connected(caller)
    call.send({"type": "prompt", "voicePrompt": f"a haircut on {day:%A} at 3pm", "lang": "en-US", "last": True})
    first = call.receive()
    assert first["type"] == "text" and not first["last"]
    call.interrupt(heard=first["token"][:20], ms=1200)

    call.send({"type": "prompt", "voicePrompt": "actually make it 4pm", "lang": "en-US", "last": True})
    said = ""  # what had gone out of the first answer, if any, then the second
    while not (said.endswith("\n") and "4 PM" in said):
        message = call.receive()
        said += message["token"] + ("\n" if message["last"] else "")
    [(_, offer_steps)] = [(k, s) for k, s in executions(runtime) if k == f"voice:{call.sid}:1"]
    assert offer_steps[-1] == {"agent": "relay", "input": first["token"][:20], "outcome": "interrupted",
                               "ms": 1200.0}


def test_sentences_are_the_tokens_an_answer_goes_out_in():
    assert sentences("Haircut, Tuesday at 3 PM. $30. Say YES to book!") == [
        "Haircut, Tuesday at 3 PM. ", "$30. ", "Say YES to book!"]
    assert sentences("Anything else?") == ["Anything else?"]


def test_a_key_pressed_is_a_turn_and_0_is_the_operator(caller):
    call = connected(caller)
    assert call.press("0") == ""
    assert call.ended == {"reasonCode": "operator", "step": 1}


@pytest.mark.parametrize("message", [
    {"type": "dtmf", "digit": "12"}, {"type": "dtmf", "digit": "x"}, {"type": "dtmf"},
    {"type": "mystery"}, {"type": "error", "description": "Invalid message"},
])
def test_a_message_that_is_no_turn_changes_nothing_and_the_call_goes_on(caller, runtime, message):
    call = connected(caller)
    call.send(message)
    call.ws.send("not json {")
    assert "Monday" in call.say("what are your hours")
    assert [key for key, _ in executions(runtime)] == [f"voice:{call.sid}:0", f"voice:{call.sid}:1"]


def test_a_prompt_too_long_to_take_is_asked_again_and_not_taken(caller, runtime):
    call = connected(caller)
    assert call.say("la " * 700) == "Sorry, could you say that again?"
    assert len(executions(runtime)) == 1


# Silence, timed by the session's clock

def test_silence_asks_once_then_ends_the_call_and_texts_a_way_to_book(caller, runtime, clock):
    call = connected(caller)
    clock.advance(7)  # the greeting takes ~8 s to say: the caller has not been quiet for 8 s yet
    call.send({"type": "mystery"})  # any message: the session has looked at its clock since
    assert "Monday" in call.say("what are your hours")

    clock.advance(60)
    assert "didn't catch that" in call.answer_text()
    clock.advance(60)
    assert call.answer_text() == "" and call.ended == {"reasonCode": "goodbye", "step": 3}

    goodbye = call.session_ends(call.ended)
    assert "texted you a link to book" in goodbye.find("Say").text and goodbye.find("Hangup") is not None
    [link] = texts_to(runtime, CALLER)
    assert f"sms:{HARBOR_NUMBER}?body=BOOK" in link.body


def test_speaking_resets_the_silence_timer(caller, clock):
    call = connected(caller)
    clock.advance(30)
    call.interrupt(heard="Thanks for calling")  # the caller talks over the greeting
    clock.advance(5)
    assert "Monday" in call.say("hours please")
    assert not any(m["type"] == "text" and "didn't catch" in m["token"] for m in call.heard)


# Language

def test_a_caller_speaking_spanish_switches_the_session_to_spanish(caller):
    day = weekday_soon()
    call = connected(caller, "+16175550160")
    weekday = ("lunes", "martes", "miércoles", "jueves", "viernes")[day.weekday()]
    answer = call.say(f"hola, quiero un corte el {weekday} a las 3 de la tarde")
    [switch] = [m for m in call.heard if m["type"] == "language"]
    assert switch == {"type": "language", "ttsLanguage": "es-MX", "transcriptionLanguage": "es-MX"}
    assert "Di SÍ para reservar." in answer
    assert {m["lang"] for m in call.heard if m["type"] == "text"} == {"es-MX"}


# The operator

def test_asking_for_a_person_hands_off_to_the_operator_with_a_whisper(caller, twilio):
    day = weekday_soon()
    call = connected(caller)
    call.say(f"can I get a beard trim on {day:%A} at 11")
    assert call.say("can I talk to a person") == ""
    assert call.ended == {"reasonCode": "operator", "step": 2}

    dial = call.session_ends(call.ended)
    assert dial.find("Say").text == "Connecting you to Marco now. Please hold."
    number = dial.find("Dial/Number")
    assert number.text == MARCO
    whisper = twilio.post(number.get("url").removeprefix(PUBLIC_BASE_URL), {
        "CallSid": twilio.next_sid("CA"), "ParentCallSid": call.sid, "AccountSid": "AC" + "0" * 32,
        "From": CALLER, "To": MARCO})
    assert f"wants a beard trim on {day:%A} at 11 AM" in whisper.text

    # Marco doesn't pick up: the caller goes back to Onward on a new relay session.
    missed = call.post(dial.find("Dial").get("action").removeprefix(PUBLIC_BASE_URL), {"DialCallStatus": "no-answer"})
    relay = ET.fromstring(missed.text).find("Connect/ConversationRelay")
    assert "nobody could come to the phone" in relay.get("welcomeGreeting")


def test_a_session_ended_by_the_caller_hanging_up_is_over(caller):
    call = connected(caller)
    twiml = call.session_ends(None, status="completed")
    assert twiml.find("Hangup") is not None and twiml.find("Dial") is None


def test_a_session_that_failed_carries_on_with_a_gather(caller):
    call = connected(caller)
    call.say("what are your hours")
    gather = call.session_ends(None, status="failed").find("Gather")
    assert gather.get("action") == f"{PUBLIC_BASE_URL}/twilio/voice/gather?turn=2"


@pytest.mark.parametrize("handoff", ['{"step": 99}', '{"step": "1"}', "[1]", "not json", '{"step": 7}'])
def test_handoff_data_that_names_no_turn_of_the_call_hangs_up(caller, handoff):
    call = connected(caller)
    response = call.post("/twilio/voice/relay-ended", {"SessionStatus": "ended", "HandoffData": handoff})
    assert response.status_code == 200 and "<Hangup" in response.text and "<Dial" not in response.text


def test_the_connect_action_checks_the_signature(caller, twilio):
    call = caller()
    response = twilio.post("/twilio/voice/relay-ended", {"CallSid": call.sid, "From": CALLER, "To": HARBOR_NUMBER},
                           signed=False)
    assert response.status_code == 403


def test_no_texts_are_sent_on_the_call_itself(caller, runtime):
    call = connected(caller)
    call.say("what are your hours")
    with runtime.db.session() as session:
        assert session.scalars(select(Message)).all() == []


def test_an_answer_the_caller_talks_over_before_it_goes_out_is_dropped(caller, runtime):
    call = connected(caller)
    call.send({"type": "prompt", "voicePrompt": "what are your hours?", "lang": "en-US", "last": True})
    call.interrupt(heard="", ms=0)  # on its way while the turn is taken, before any token goes out
    answer = call.say("how much is a haircut?")
    assert "Monday" not in answer and "$" in answer
    assert all("Monday" not in m.get("token", "") for m in call.heard)
    [(_, hours_steps)] = [(k, s) for k, s in executions(runtime) if k == f"voice:{call.sid}:1"]
    assert hours_steps[-1]["outcome"] == "interrupted"


def test_a_plain_request_to_the_relay_is_refused_without_an_error(live_server):
    import requests

    assert requests.get(f"{live_server}/twilio/relay", timeout=10).status_code == 400


def test_a_handoff_naming_a_gathered_turn_hangs_up(caller):
    call = connected(caller)
    call.say("what are your hours")
    call.post("/twilio/voice/gather?turn=2", {"SpeechResult": "what are your prices"})  # the call fell back
    response = call.post("/twilio/voice/relay-ended", {"SessionStatus": "ended", "HandoffData": '{"step": 2}'})
    assert response.status_code == 200 and "<Hangup" in response.text

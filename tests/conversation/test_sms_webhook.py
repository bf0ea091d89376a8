"""Inbound SMS through real HTTP: signatures, replays, bad input, unknown numbers."""
from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from conversation.failures import APOLOGY
from routing.router import CHAINS
from store.db import utcnow
from store.models import ConversationSession, Execution, Interaction, Message
from tests.conftest import HARBOR_NUMBER, HARBOR_TOKEN, NORTH_NUMBER, PUBLIC_BASE_URL

LENA = "+16175550103"
STRANGER = "+16175559999"


def replies(response) -> list[str]:
    assert response.headers["Content-Type"].startswith("text/xml")
    return [m.text for m in ET.fromstring(response.text).iter("Message")]


def count(runtime, model) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_staff_text_is_stored_and_answered(twilio, runtime):
    response = twilio.sms(LENA, "lol")
    assert response.status_code == 200
    [reply] = replies(response)
    assert reply.startswith("Hi Lena, I couldn't act on that.")
    with runtime.db.session() as session:
        row = session.scalar(select(Interaction))
        assert (row.tenant, row.channel, row.actor_kind, row.actor_id) == ("harbor-barbers", "sms", "staff", "lena")
        assert row.from_phone == LENA and row.to_phone == HARBOR_NUMBER
        messages = session.scalars(select(Message).order_by(Message.id)).all()
        assert [(m.direction, m.purpose, m.status) for m in messages] == [
            ("in", "reply", "received"), ("out", "reply", "sent")]
        execution = session.scalar(select(Execution))
        assert execution.outcome == "not_understood"
        assert execution.steps[-1]["agent"] == "staff"  # staff texts go to the staff chain


def test_phones_in_other_forms_are_normalised(twilio, runtime):
    response = twilio.sms("(617) 555-0103", "hello", to="617 555 0100")
    assert replies(response)[0].startswith("Hi Lena")


@pytest.mark.parametrize("tamper", ["missing", "wrong", "other-url", "other-body"])
def test_a_badly_signed_webhook_is_refused_and_changes_nothing(twilio, runtime, tamper):
    params = {"MessageSid": "SM" + "1" * 32, "From": LENA, "To": HARBOR_NUMBER, "Body": "done"}
    signature = {
        "missing": None,
        "wrong": "bm90IGEgc2lnbmF0dXJl",
        # Signed for the Host the request reached, not the public URL Twilio signs.
        "other-url": twilio.validator.compute_signature(twilio.base_url + "/twilio/sms", params),
        "other-body": twilio.validator.compute_signature(PUBLIC_BASE_URL + "/twilio/sms",
                                                         {**params, "Body": "not done"}),
    }[tamper]
    response = twilio.post("/twilio/sms", params, signed=signature is not None, signature=signature)
    assert response.status_code == 403
    assert count(runtime, Interaction) == 0 and count(runtime, Message) == 0


def test_a_replayed_message_sid_gets_the_same_reply_and_runs_once(twilio, runtime):
    first = twilio.sms(STRANGER, "STOP", sid="SM" + "7" * 32)
    again = twilio.sms(STRANGER, "STOP", sid="SM" + "7" * 32)
    assert first.text == again.text
    assert count(runtime, Interaction) == 1
    assert count(runtime, Message) == 2
    assert count(runtime, Execution) == 1


def test_concurrent_deliveries_of_one_message_run_once(twilio, runtime):
    results = []

    def deliver():
        results.append(twilio.sms(LENA, "hello", sid="SM" + "8" * 32))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {r.status_code for r in results} == {200}
    assert len({r.text for r in results}) == 1
    assert count(runtime, Interaction) == 1 and count(runtime, Execution) == 1


def test_a_number_no_tenant_owns_gets_a_polite_answer_and_nothing_is_stored(twilio, runtime):
    response = twilio.sms(LENA, "hello", to="+16175550177")
    assert response.status_code == 200
    assert "isn't set up" in replies(response)[0]
    assert count(runtime, Interaction) == 0 and count(runtime, Message) == 0


@pytest.mark.parametrize("change, reason", [
    ({"From": None}, "missing From"),
    ({"To": None}, "missing To"),
    ({"MessageSid": None}, "missing MessageSid"),
    ({"From": "not-a-phone"}, "From is not a phone number"),
    ({"Body": "x" * 1601}, "at most 1600"),
    ({"NumMedia": "many"}, "NumMedia is not a number"),
    ({"NumMedia": "11"}, "NumMedia must be between 0 and 10"),
    ({"NumMedia": "1"}, "MediaUrl0 is missing"),
])
def test_malformed_input_gets_a_400_with_the_reason(twilio, runtime, change, reason):
    params = {"MessageSid": twilio.next_sid(), "From": LENA, "To": HARBOR_NUMBER, "Body": "hi", "NumMedia": "0"}
    params.update(change)
    params = {k: v for k, v in params.items() if v is not None}
    response = twilio.post("/twilio/sms", params)
    assert response.status_code == 400
    assert reason in response.text
    assert count(runtime, Interaction) == 0 and count(runtime, Message) == 0


def test_a_body_of_exactly_1600_characters_is_taken(twilio):
    assert twilio.sms(LENA, "y" * 1600).status_code == 200


def test_an_oversize_request_is_refused(twilio, runtime):
    response = twilio.sms(LENA, "hi", Padding="z" * 2_000_000)
    assert response.status_code == 413
    assert count(runtime, Interaction) == 0


def test_garbled_text_is_cleaned_stored_and_answered(twilio, runtime):
    response = twilio.sms(LENA, "\x00\x01d\x00one\x7f ✅ \ufffd")
    assert response.status_code == 200 and replies(response)
    with runtime.db.session() as session:
        assert session.scalar(select(Interaction.text)) == "done ✅ \ufffd"


def test_a_stranger_gets_a_few_replies_a_day_then_silence(twilio, runtime):
    answered = [bool(replies(twilio.sms(STRANGER, f"auto-reply {i}"))) for i in range(5)]
    assert answered == [True, True, True, False, False]
    assert count(runtime, Interaction) == 5  # still on record
    assert all(replies(twilio.sms(LENA, f"question {i}")) for i in range(5))


def test_tenants_do_not_share_people(twilio, runtime):
    # Lena works at Harbor; to North End Nails she is just a customer.
    reply = replies(twilio.sms(LENA, "hello", to=NORTH_NUMBER))[0]
    assert not reply.startswith("Hi Lena") and "North End Nails" in reply
    with runtime.db.session() as session:
        row = session.scalar(select(Interaction))
        assert (row.tenant, row.actor_kind, row.actor_id) == ("north-nails", "customer", None)


def test_a_conversation_is_kept_while_it_goes_on_and_cleared_when_it_ends(twilio, runtime):
    def conversation():
        with runtime.db.session() as session:
            return session.execute(select(ConversationSession.state, ConversationSession.slots)).all()

    twilio.sms(LENA, "lol")
    assert conversation() == []  # idle before and after: nothing to keep
    with runtime.db.session() as session:
        session.add(ConversationSession(tenant="harbor-barbers", phone=LENA, state="picking_run",
                                        slots={"pick": {"runs": [1, 2]}}, updated_at=utcnow()))
    twilio.sms(LENA, "done")  # no runs are open any more: the list is done with
    assert conversation() == [("idle", {})]


class Broken:
    """A bug in an agent (the only stand-in here: real code has no bug to provoke on purpose)."""

    name = "broken"

    def run(self, ctx, session):
        raise RuntimeError("a bug")


def test_a_bug_is_answered_with_an_apology_and_the_text_kept_as_failed(twilio, runtime, client, monkeypatch):
    monkeypatch.setitem(CHAINS, "customer", (Broken(),))
    sid = "SM" + "6" * 32
    response = twilio.sms(STRANGER, "can I get a haircut friday?", sid=sid)
    assert response.status_code == 200 and replies(response) == [APOLOGY]
    auth = {"Authorization": f"Bearer {HARBOR_TOKEN}"}
    [kept] = client.get("/api/v1/messages?status=failed", headers=auth).json["items"]
    assert (kept["direction"], kept["from"], kept["body"]) == ("in", STRANGER, "can I get a haircut friday?")
    [execution] = client.get("/api/v1/executions?outcome=failed", headers=auth).json["items"]
    assert execution["steps"] == [{"agent": "intake", "outcome": "RuntimeError", "ms": 0.0,
                                   "input": "can I get a haircut friday?"}]
    [notice] = client.get("/api/v1/messages?purpose=notice", headers=auth).json["items"]  # to the operator, Marco
    assert notice["to"] == "+16175550102" and STRANGER in notice["body"] and "haircut friday" in notice["body"]
    again = twilio.sms(STRANGER, "can I get a haircut friday?", sid=sid)  # Twilio's retry: answered the same
    assert again.text == response.text
    assert count(runtime, Interaction) == 1 and count(runtime, Execution) == 1

"""Escalation steps by phone, told as they happen: the scheduler ticks, a step `by: call` is a
call placed through the outbox to a local Twilio-compatible Calls API by a real RQ worker (with
retries, as for texts), Twilio fetches Onward's TwiML for the call, signed, and the owner's
keys take the run, excuse it, or hear it again; a voicemail counts as no answer and the chain
moves on. Runs are placed around the real clock, since webhooks use the real time."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from config.settings import load_settings
from recurring.scheduler import tick
from server import create_app
from store.db import utcnow
from store.models import Escalation, Message, Run
from tests.conftest import HARBOR_NUMBER, PUBLIC_BASE_URL, twilio_env
from tests.fakes.twilio_api import Fail
from tests.scenarios.test_escalation import DANA, LENA, harbor, open_run, write

CALLS = [{"notify": "assignee", "wait": "10m"}, {"notify": "owner", "by": "call", "wait": "20m"}]


@pytest.fixture
def config_dir(tmp_path):
    path = tmp_path / "tenants"
    path.mkdir()
    return path


@pytest.fixture
def app(env, config_dir, twilio_api):
    write(config_dir, harbor(quiet=False, chains={"default": CALLS, "urgent": CALLS}))
    settings = load_settings({**env, **twilio_env(twilio_api.url), "ONWARD_CONFIG_DIR": str(config_dir)},
                             send_retry_intervals=(0, 0, 0))
    app = create_app(settings)
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


@pytest.fixture
def work(app, runtime):
    def run() -> None:
        with app.app_context():
            SimpleWorker([runtime.queue], connection=runtime.redis).work(burst=True)

    return run


def overdue_run(runtime) -> tuple[int, datetime]:
    """Lena's opening checklist, due 15 minutes ago; the tick that texted her, now."""
    run_id = open_run(runtime, "opening", "Opening checklist", "lena", utcnow() - timedelta(minutes=15))
    now = utcnow()
    assert tick(runtime, now).escalated == 1  # Lena is texted
    return run_id, now


class OwnerPhone:
    """Dana's phone as Twilio has the call: it fetches Onward's TwiML at the call's Url, signed."""

    def __init__(self, twilio, request):
        self.twilio, self.url = twilio, request.value("Url")
        self.params = {"CallSid": request.sid, "AccountSid": request.value("AccountSid") or "AC" + "0" * 32,
                       "From": request.value("From"), "To": request.value("To"), "Direction": "outbound-api",
                       "CallStatus": "in-progress"}

    def picks_up(self, answered_by: str = "human", **extra) -> ET.Element:
        response = self.twilio.post(self.url.removeprefix(PUBLIC_BASE_URL),
                                    {**self.params, "AnsweredBy": answered_by, **extra})
        assert response.status_code == 200, response.text
        return ET.fromstring(response.text)

    def presses(self, key: str) -> ET.Element:
        return self.picks_up(Digits=key)


def said(twiml: ET.Element) -> str:
    return " ".join(s.text or "" for s in twiml.iter("Say"))


def test_the_owner_is_called_takes_the_run_with_a_key_after_hearing_it_again(runtime, twilio, twilio_api, work):
    run_id, now = overdue_run(runtime)
    assert tick(runtime, now + timedelta(minutes=11)).escalated == 1  # the owner's step: a call
    with runtime.db.session() as session:
        call = session.scalar(select(Message).where(Message.channel == "call"))
        assert (call.to_phone, call.purpose, call.status) == (DANA, "escalation", "queued")
    work()

    [request] = twilio_api.placed
    assert (request.value("To"), request.value("From")) == (DANA, HARBOR_NUMBER)
    assert request.value("Url") == f"{PUBLIC_BASE_URL}/twilio/voice/escalation?message={call.id}"
    assert request.value("MachineDetection") == "Enable"
    with runtime.db.session() as session:
        placed = session.get(Message, call.id)
        assert (placed.status, placed.provider_sid) == ("sent", request.sid)

    dana = OwnerPhone(twilio, request)
    first = dana.picks_up()
    gather = first.find("Gather")
    assert (gather.get("input"), gather.get("numDigits")) == ("dtmf", "1")
    assert said(first).startswith("This is Onward for Harbor Street Barbers. Lena hasn't done Opening checklist")
    assert "Press 1 to take it, 2 to excuse it, or 3 to hear this again." in said(first)
    assert said(dana.presses("3")) == said(first)

    taken = dana.presses("1")
    assert said(taken).startswith("OK Dana,") and "is yours" in said(taken) and taken.find("Hangup") is not None
    with runtime.db.session() as session:
        run = session.get(Run, run_id)
        step = session.scalar(select(Escalation).where(Escalation.run_id == run_id, Escalation.level == 2))
        assert (run.assignee, run.state) == ("dana", "open")
        assert (step.answer, step.answered_by) == ("taken", "dana")
    assert said(dana.presses("1")) == said(taken)  # Twilio repeats the request: answered once


def test_the_owner_excuses_the_run_with_the_2_key(runtime, twilio, twilio_api, work):
    run_id, now = overdue_run(runtime)
    tick(runtime, now + timedelta(minutes=11))
    work()
    excused = OwnerPhone(twilio, twilio_api.placed[0]).presses("2")
    assert "excused" in said(excused)
    with runtime.db.session() as session:
        run = session.get(Run, run_id)
        step = session.scalar(select(Escalation).where(Escalation.run_id == run_id, Escalation.level == 2))
        assert run.state == "excused" and (step.answer, step.note) == ("excused", "by phone")
    lena = [m.body for m in session_messages(runtime, LENA)]
    assert any("excused by Dana (by phone)" in body for body in lena)


def session_messages(runtime, phone: str) -> list[Message]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Message).where(Message.to_phone == phone).order_by(Message.id)))


def test_a_voicemail_counts_as_no_answer_and_the_chain_moves_on(runtime, twilio, twilio_api, work):
    run_id, now = overdue_run(runtime)
    tick(runtime, now + timedelta(minutes=11))
    work()
    machine = OwnerPhone(twilio, twilio_api.placed[0]).picks_up(answered_by="machine_end_beep")
    assert machine.find("Hangup") is not None and said(machine) == ""
    assert tick(runtime, now + timedelta(minutes=32)).missed == 1  # the owner's wait ran out: nobody took it
    with runtime.db.session() as session:
        assert session.get(Run, run_id).state == "missed"


def test_a_call_nobody_answers_ends_with_goodbye_and_changes_nothing(runtime, twilio, twilio_api, work):
    run_id, now = overdue_run(runtime)
    tick(runtime, now + timedelta(minutes=11))
    work()
    gather = OwnerPhone(twilio, twilio_api.placed[0]).picks_up()
    assert [child.tag for child in gather] == ["Gather", "Say", "Hangup"]  # no key: goodbye
    with runtime.db.session() as session:
        assert (session.get(Run, run_id).state, session.get(Run, run_id).assignee) == ("open", "lena")


def test_a_call_twilio_refuses_for_now_is_placed_again(runtime, twilio_api, work):
    _, now = overdue_run(runtime)
    twilio_api.script(None, Fail(503, code=20503))  # Lena's text goes; the call is refused once
    tick(runtime, now + timedelta(minutes=11))
    work()
    assert len(twilio_api.placed) == 1
    with runtime.db.session() as session:
        call = session.scalar(select(Message).where(Message.channel == "call"))
        assert (call.status, call.attempts) == ("sent", 2)


def test_a_call_step_waits_for_quiet_hours_unless_the_chain_is_urgent(env, config_dir, twilio_api):
    for urgent, placed in ((False, 0), (True, 1)):
        chain = [{"notify": "assignee", "wait": "10m"},
                 {"notify": "owner", "by": "call", "wait": "20m", "urgent": urgent}]
        config = harbor(quiet=False, chains={"default": chain, "urgent": chain})
        config["people"][0]["quiet_hours"] = "00:00-23:59"  # Dana is never to be disturbed
        write(config_dir, config)
        app = create_app(load_settings({**env, **twilio_env(twilio_api.url), "ONWARD_CONFIG_DIR": str(config_dir)}))
        runtime = app.extensions["onward"]
        _, now = overdue_run(runtime)
        tick(runtime, now + timedelta(minutes=11))
        with runtime.db.session() as session:
            calls = session.scalars(select(Message).where(Message.channel == "call")).all()
            assert len(calls) == placed
            session.execute(Message.__table__.delete())
            session.execute(Escalation.__table__.delete())
            session.execute(Run.__table__.delete())
        runtime.db.dispose()


@pytest.mark.parametrize("change", [
    {"To": "+16175550199"},  # not the phone the call was placed to
    {"message": "999"},  # no such row
])
def test_a_request_for_a_call_onward_did_not_place_hangs_up(runtime, twilio, twilio_api, work, change):
    run_id, now = overdue_run(runtime)
    tick(runtime, now + timedelta(minutes=11))
    work()
    request = twilio_api.placed[0]
    phone = OwnerPhone(twilio, request)
    if "message" in change:
        phone.url = f"{PUBLIC_BASE_URL}/twilio/voice/escalation?message={change['message']}"
    phone.params.update({k: v for k, v in change.items() if k != "message"})
    answer = phone.presses("1")
    assert answer.find("Hangup") is not None and answer.find("Gather") is None
    with runtime.db.session() as session:
        assert session.get(Run, run_id).assignee == "lena"


def test_the_calls_twiml_checks_the_signature_and_its_message(twilio):
    unsigned = twilio.post("/twilio/voice/escalation?message=1", {"CallSid": "CA1"}, signed=False)
    assert unsigned.status_code == 403
    assert twilio.post("/twilio/voice/escalation?message=x", {"CallSid": "CA1"}).status_code == 400


def test_a_chain_step_by_anything_but_text_or_call_is_refused(tmp_path):
    from config.loader import ConfigError, load_file
    from tests.config import ENV, changed, write_tenant

    data = changed("escalation", {"default": [{"notify": "owner", "by": "pigeon"}]})
    with pytest.raises(ConfigError) as refused:
        load_file(write_tenant(tmp_path, data), ENV)
    assert "escalation.default[0].by" in [p.field for p in refused.value.problems]


def test_the_api_lists_the_call_among_the_messages(runtime, client, work):
    from tests.conftest import HARBOR_TOKEN

    _, now = overdue_run(runtime)
    tick(runtime, now + timedelta(minutes=11))
    work()
    items = client.get("/api/v1/messages?purpose=escalation",
                       headers={"Authorization": f"Bearer {HARBOR_TOKEN}"}).json["items"]
    assert [(m["to"], m["channel"], m["status"]) for m in items] == [(DANA, "call", "sent"), (LENA, "sms", "queued")]

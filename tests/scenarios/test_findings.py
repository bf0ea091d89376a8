"""Repeated failures, told as they happen: the clock moves, the cooler reading slips day
after day, the owner is told once, and answers by text (signed Twilio webhooks).

Harbor Street Barbers runs with only its daily noon cooler reading on a cadence, so the
stories hold just the runs they tell. Ticks use fixed clocks; webhooks use the real one.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from config.settings import load_settings
from recurring.scheduler import tick
from server import create_app
from store.db import utcnow
from store.models import Finding, Message, Run, TaskOwner
from tests.conftest import HARBOR_TOKEN, TESTS

DANA, MARCO, LENA, SAM = "+16175550101", "+16175550102", "+16175550103", "+16175550104"
NEVER = "0 0 29 2 *"  # no slot near any story's clock
DAYS = {"mon": "2026-11-16", "tue": "2026-11-17", "wed": "2026-11-18", "thu": "2026-11-19", "fri": "2026-11-20"}


def at(day: str, clock: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"{DAYS[day]}T{clock}:00-05:00")


@pytest.fixture
def app(env, tmp_path):
    """Harbor with only the cooler on its cadence, and nobody in quiet hours."""
    config = yaml.safe_load((TESTS / "tenants" / "harbor-barbers.yaml").read_text())
    for task in config["tasks"]:
        task["cadence"] = task["cadence"] if task["id"] == "cooler" else NEVER
    for person in config["people"]:
        person.pop("quiet_hours", None)
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    (tenants / "harbor-barbers.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (tenants / "north-nails.yaml").write_text((TESTS / "tenants" / "north-nails.yaml").read_text())
    app = create_app(load_settings({**env, "ONWARD_CONFIG_DIR": str(tenants)}))
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


def cooler_run(runtime, day: str) -> Run | None:
    with runtime.db.session() as session:
        return session.scalar(select(Run).where(Run.task == "cooler", Run.slot == at(day)))


def slip(runtime, day: str) -> Run:
    """The day's cooler reading is never sent: the scheduler ticks every 10 minutes from noon
    until the chain has run out and the run is missed."""
    clock = at(day)
    tick(runtime, clock)
    while cooler_run(runtime, day).state == "open" and clock < at(day) + timedelta(hours=12):
        clock += timedelta(minutes=10)
        tick(runtime, clock)
    run = cooler_run(runtime, day)
    assert run.state == "missed"
    return run


def findings(runtime) -> list[Finding]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Finding).order_by(Finding.id)))


def texts(runtime, purpose: str) -> list[tuple[str, str]]:
    with runtime.db.session() as session:
        rows = session.scalars(select(Message).where(Message.purpose == purpose).order_by(Message.id))
        return [(m.to_phone, m.body) for m in rows]


def code_in(body: str) -> int:
    return int(re.search(r"Reply (\d+)A", body)[1])


def say(twilio, phone: str, body: str) -> str:
    response = twilio.sms(phone, body)
    assert response.status_code == 200
    return " ".join(m.text or "" for m in ET.fromstring(response.text).iter("Message"))


def test_three_misses_in_a_week_give_one_finding_and_one_owner_text(runtime, twilio, client):
    slip(runtime, "mon")
    slip(runtime, "tue")
    assert findings(runtime) == [] and texts(runtime, "finding") == []
    slip(runtime, "wed")
    (finding,) = findings(runtime)
    assert (finding.task, finding.kind, finding.state) == ("cooler", "repeated", "open")
    assert finding.runs == [cooler_run(runtime, day).id for day in ("mon", "tue", "wed")]
    ((to, body),) = texts(runtime, "finding")
    assert to == DANA and len(body) <= 320
    assert body.startswith("Pattern: Product cooler temperature went wrong in 3 of its last 3 runs: 3 missed.")

    slip(runtime, "thu")  # a 4th miss while the finding is open: nothing more is raised or texted
    (finding,) = findings(runtime)
    assert len(finding.runs) == 4 and len(texts(runtime, "finding")) == 1

    code = code_in(body)
    reply = say(twilio, DANA, f"{code}a")
    assert reply.startswith("Noted, finding closed: Product cooler temperature went wrong in 3 of its last")
    (item,) = client.get("/api/v1/findings", headers={"Authorization": f"Bearer {HARBOR_TOKEN}"}).json["items"]
    assert (item["state"], item["acknowledged_by"], item["runs"]) == ("acknowledged", "dana", finding.runs)
    assert say(twilio, DANA, f"{code}a") == f"#{code} was already acknowledged by Dana Reyes."

    slip(runtime, "fri")  # one more miss after the answer starts a new count: no new finding yet
    assert len(findings(runtime)) == 1 and len(texts(runtime, "finding")) == 1


def test_the_owner_gives_the_task_to_someone_else_and_the_next_run_goes_to_them(runtime, twilio):
    for day in ("mon", "tue", "wed"):
        slip(runtime, day)
    ((_, body),) = texts(runtime, "finding")
    code = code_in(body)
    reply = say(twilio, DANA, f"{code}o Lena")
    assert reply == "OK: Lena does Product cooler temperature from its next run. Runs open now stay as they are."
    assert (LENA, "Dana Reyes gave you Product cooler temperature: from its next run, the reminders "
                  "come to you.") in texts(runtime, "notice")
    (finding,) = findings(runtime)
    assert (finding.state, finding.new_owner, finding.acknowledged_by) == ("reassigned", "lena", "dana")

    tick(runtime, at("thu"))
    assert cooler_run(runtime, "thu").assignee == "lena"
    assert texts(runtime, "reminder")[-1][0] == LENA


def test_ok_acknowledges_the_one_open_finding(runtime, twilio):
    for day in ("mon", "tue", "wed"):
        slip(runtime, day)
    assert not say(twilio, MARCO, "ok").startswith("Noted")  # a manager's ok may be about anything
    assert findings(runtime)[0].state == "open"
    assert say(twilio, DANA, "OK").startswith("Noted, finding closed:")
    assert findings(runtime)[0].state == "acknowledged"
    assert not say(twilio, DANA, "ok").startswith("Noted")  # nothing open: not an answer to a finding


def test_give_a_task_by_name_without_a_finding(runtime, twilio):
    assert say(twilio, MARCO, "give the cooler to Lena") == (
        "OK: Lena does Product cooler temperature from its next run. Runs open now stay as they are.")
    tick(runtime, at("mon"))
    assert cooler_run(runtime, "mon").assignee == "lena"


@pytest.mark.parametrize("sender, text, reply", [
    (DANA, "give cooler to bob", "No one here is called 'bob'. People here: Dana, Marco, Lena, Sam."),
    (DANA, "give the plants to sam", "I don't know a task called 'plants'. Tasks: opening, jars, "
                                     "cooler, cash, handoff-note."),
    (DANA, "give cooler to sam", "Sam already does Product cooler temperature. Nothing changed."),
    (DANA, "7a", "7 isn't an open finding. Text FINDINGS for the open ones."),
    (DANA, "7o lena", "7 isn't an open finding. Text FINDINGS for the open ones."),
])
def test_answers_that_cannot_be_acted_on_change_nothing(runtime, twilio, sender, text, reply):
    assert say(twilio, sender, text) == reply
    with runtime.db.session() as session:
        assert session.scalars(select(TaskOwner)).all() == []
    assert texts(runtime, "notice") == []


def test_staff_cannot_change_who_does_a_task(runtime, twilio):
    reply = say(twilio, LENA, "give cooler to lena")
    assert reply.startswith("Hi Lena, I couldn't act on that.")
    with runtime.db.session() as session:
        assert session.scalars(select(TaskOwner)).all() == []


def test_a_code_without_a_name_asks_who(runtime, twilio):
    for day in ("mon", "tue", "wed"):
        slip(runtime, day)
    code = code_in(texts(runtime, "finding")[0][1])
    assert say(twilio, DANA, f"{code}o") == (f"Who should do Product cooler temperature? Reply {code}O and a "
                                             "name: Dana, Marco, Lena, Sam.")
    assert findings(runtime)[0].state == "open"


def test_readings_sent_late_three_times_raise_a_finding(runtime, twilio):
    """Sam does send the readings, each over an hour late: late runs count too."""
    noon = utcnow().replace(second=0, microsecond=0) - timedelta(hours=3)
    for days_ago in (3, 2, 1):
        slot = noon - timedelta(days=days_ago)
        with runtime.db.session() as session:
            session.add(Run(tenant="harbor-barbers", task="cooler", title="Product cooler temperature",
                            slot=slot, due_at=slot + timedelta(hours=1), state="open", assignee="sam", flags=[]))
        assert "is done (late): 38 F recorded" in say(twilio, SAM, "done 38")
    (finding,) = findings(runtime)
    assert finding.summary == "Product cooler temperature went wrong in 3 of its last 3 runs: 3 late."
    assert [to for to, _ in texts(runtime, "finding")] == [DANA]

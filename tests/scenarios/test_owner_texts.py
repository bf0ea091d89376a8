"""The owner's view by text: TODAY (what is open, late and escalated, most urgent first) and
FINDINGS (the open ones with their codes). Owners and managers get these; staff texting
TODAY get their own tasks. Webhooks use the real clock, so runs are placed around now."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import select

from agents.owner_intent import OwnerAsk, parse_owner_text
from agents.owner_texts import clock
from store.db import utcnow
from store.models import Finding, Run
from tests.conftest import NORTH_NUMBER
from tests.scenarios.conftest import TITLES

DANA, MARCO, LENA, SAM = "+16175550101", "+16175550102", "+16175550103", "+16175550104"
AVA = "+13125550201"


def say(twilio, phone: str, body: str, **extra) -> str:
    response = twilio.sms(phone, body, **extra)
    assert response.status_code == 200
    return " ".join(m.text or "" for m in ET.fromstring(response.text).iter("Message"))


@pytest.fixture
def add_run(runtime):
    def add(task: str, assignee: str, due_in: timedelta, state: str = "open", level: int = 0,
            tenant: str = "harbor-barbers", slot: timedelta = timedelta(0)):
        now = utcnow().replace(microsecond=0)
        with runtime.db.session() as session:
            run = Run(tenant=tenant, task=task, title=TITLES.get(task, task), slot=now + slot + min(due_in, timedelta(0)),
                      due_at=now + due_in, state=state, assignee=assignee, escalation_level=level, flags=[])
            session.add(run)
            session.flush()
            return run
    return add


@pytest.fixture
def add_finding(runtime):
    def add(task: str | None, summary: str, tenant: str = "harbor-barbers", age: timedelta = timedelta(0)):
        with runtime.db.session() as session:
            finding = Finding(tenant=tenant, task=task, kind="repeated", summary=summary, runs=[1, 2, 3],
                              open_key=f"task:{task}", created_at=utcnow() - age)
            session.add(finding)
            session.flush()
            return finding.id
    return add


def test_today_lists_what_is_open_most_urgent_first(runtime, twilio, add_run):
    add_run("cooler", "sam", -timedelta(hours=2), level=2)
    add_run("cash", "lena", -timedelta(minutes=20))
    handoff = add_run("handoff-note", "marco", timedelta(hours=1))
    add_run("opening", "lena", timedelta(0), state="done")
    add_run("jars", "sam", timedelta(0), state="missed")
    add_run("sweep", "bo", -timedelta(hours=1), tenant="north-nails")  # another tenant's: never shown
    harbor = runtime.tenants.get("harbor-barbers")
    reply = say(twilio, DANA, "Today")
    assert reply == ("Right now: 3 open, 2 late, 1 escalated. Product cooler temperature (Sam) 2h late, "
                     "escalated; Closing cash count (Lena) 20m late; End-of-day note for the morning shift "
                     f"(Marco) due {clock(handoff.due_at, harbor)}. Today: 1 done, 1 missed.")


def test_a_manager_gets_the_same_view(twilio, add_run):
    add_run("cash", "lena", -timedelta(minutes=20))
    assert say(twilio, MARCO, "today").startswith("Right now: 1 open, 1 late, 0 escalated. Closing cash count")


def test_a_long_day_stays_one_text_with_a_count_of_the_rest(twilio, add_run, add_finding):
    for i in range(12):
        add_run("cooler", "sam", -timedelta(minutes=30 + i), slot=-timedelta(days=i))
    add_finding("cooler", "Product cooler temperature went wrong in 3 of its last 7 runs: 3 missed.")
    reply = say(twilio, DANA, "today")
    assert len(reply) <= 320
    assert reply.startswith("Right now: 12 open, 12 late, 0 escalated. Product cooler temperature (Sam)")
    assert " more. Today: 0 done, 0 missed. 1 open finding: text FINDINGS." in reply


def test_nothing_open(twilio):
    assert say(twilio, DANA, "today") == "Right now: nothing is open. Today: 0 done, 0 missed."


def test_staff_texting_today_get_their_own_tasks(twilio, add_run):
    add_run("cash", "lena", timedelta(minutes=20))
    add_run("cooler", "sam", -timedelta(hours=2), level=2)
    reply = say(twilio, LENA, "today")
    assert reply.startswith("Open for you: 1. Closing cash count (due ")
    assert "Sam" not in reply and "cooler" not in reply


def test_findings_are_listed_with_codes_to_answer_by(twilio, add_finding):
    older = add_finding("cooler", "Product cooler temperature went wrong in 3 of its last 7 runs: 3 missed.",
                        age=timedelta(days=1))
    add_finding("jars", "Change the disinfectant jars was missed the last 3 Mondays.")
    add_finding("sweep", "Sweep went wrong in 3 of its last 4 runs: 3 missed.", tenant="north-nails")
    reply = say(twilio, DANA, "findings")
    assert reply == ("Open findings (2): 1: Change the disinfectant jars was missed the last 3 Mondays. "
                     "2: Product cooler temperature went wrong in 3 of its last 7 runs: 3 missed. "
                     "Reply 1A if you've got it, or 1O and a name to give its task to someone else.")
    assert say(twilio, DANA, "2a").startswith("Noted, finding closed: Product cooler temperature")
    assert say(twilio, DANA, "findings").startswith("Open findings (1): 1: Change the disinfectant jars")
    assert say(twilio, AVA, "findings", to=NORTH_NUMBER).startswith(
        "Open findings (1): 1: Sweep went wrong")
    assert older


def test_many_findings_stay_one_text(twilio, add_finding):
    for i in range(6):
        add_finding(f"task-{i}", f"Task number {i} with a rather long title went wrong in 3 of its last 7 "
                                 "runs: 2 missed, 1 late.", age=timedelta(minutes=i))
    reply = say(twilio, DANA, "findings")
    assert len(reply) <= 320 and reply.startswith("Open findings (6): 1: Task number 0")
    assert " +3 more. Reply 1A" in reply


def test_no_findings(twilio):
    assert say(twilio, DANA, "findings") == "No open findings. Text TODAY for what's open now."


def test_ok_with_two_findings_open_asks_which(runtime, twilio, add_finding):
    add_finding("cooler", "Product cooler temperature went wrong in 3 of its last 7 runs: 3 missed.")
    add_finding("jars", "Change the disinfectant jars was missed the last 3 Mondays.")
    assert say(twilio, DANA, "ok").startswith("Open findings (2): 1: ")
    with runtime.db.session() as session:
        assert set(session.scalars(select(Finding.state))) == {"open"}


def test_customers_and_staff_get_no_owner_view(twilio, add_finding):
    add_finding("cooler", "Product cooler temperature went wrong in 3 of its last 7 runs: 3 missed.")
    assert not say(twilio, "+16175550999", "findings").startswith("Open findings")
    assert not say(twilio, SAM, "findings").startswith("Open findings")
    assert not say(twilio, SAM, "1a").startswith("Noted")


@pytest.mark.parametrize("text, ask", [
    ("today", OwnerAsk("today")), ("Today!", OwnerAsk("today")), ("findings", OwnerAsk("findings")),
    ("4a", OwnerAsk("acknowledge", 4)), ("4 A", OwnerAsk("acknowledge", 4)), ("#4a", OwnerAsk("acknowledge", 4)),
    ("4 ok", OwnerAsk("acknowledge", 4)), ("ok", OwnerAsk("acknowledge")), ("Got it.", OwnerAsk("acknowledge")),
    ("4o sam", OwnerAsk("reassign", 4, name="sam")), ("4O Sam", OwnerAsk("reassign", 4, name="sam")),
    ("4r to lena", OwnerAsk("reassign", 4, name="lena")), ("4 o", OwnerAsk("reassign", 4)),
    ("give cooler to sam", OwnerAsk("reassign", task="cooler", name="sam")),
    ("Assign the cash count to Marco", OwnerAsk("reassign", task="cash count", name="marco")),
    ("thanks", None), ("on it", None), ("4am", None), ("4 oranges", None), ("done", None), ("40 degrees", None), ("give it up", None), ("", None),
])
def test_what_an_owner_text_asks(text, ask):
    assert parse_owner_text(text) == ask


def test_a_finding_about_a_person_has_no_task_to_give(runtime, twilio):
    with runtime.db.session() as session:
        session.add(Finding(tenant="harbor-barbers", task=None, person="sam", kind="person", runs=[1, 2, 3],
                            summary="Sam missed 3 runs of 2 tasks in 14 days: Product cooler temperature x2, "
                                    "Change the disinfectant jars x1.", open_key="person:sam", created_at=utcnow()))
    assert say(twilio, DANA, "findings") == (
        "Open findings (1): 1: Sam missed 3 runs of 2 tasks in 14 days: Product cooler temperature x2, "
        "Change the disinfectant jars x1. Reply 1A if you've got it.")
    assert say(twilio, DANA, "1o lena") == ("#1 isn't about one task, so there's none to give. Reply 1A to "
                                            "close it, or give a task by name, e.g. GIVE COOLER TO SAM.")
    with runtime.db.session() as session:
        assert session.scalar(select(Finding.state)) == "open"
    assert say(twilio, DANA, "1a").startswith("Noted, finding closed: Sam missed 3 runs")

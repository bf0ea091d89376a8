"""Deciding from Today: the same effects and texts as the SMS answers, and two people
deciding one escalation at once: the first wins, the second is told what happened."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from recurring.escalation import advance_escalations
from store.models import Escalation, Finding, Message, Run
from tests.console.conftest import DANA, LENA, MARCO, SAM

NOON = datetime.fromisoformat("2026-11-23T12:00:00-05:00")  # a Monday, nobody in quiet hours


@pytest.fixture
def escalated(runtime, clock):
    """The jars run, Sam's, an hour overdue and escalated to Sam, Lena (backup) and Marco (manager)."""
    clock.now = NOON
    with runtime.db.session() as session:
        run = Run(tenant="harbor-barbers", task="jars", title="Change the disinfectant jars",
                  slot=NOON - timedelta(hours=3), due_at=NOON - timedelta(hours=1), assignee="sam", flags=[])
        session.add(run)
        session.flush()
        run_id = run.id
    for minutes in (0, 31, 62):
        advance_escalations(runtime, NOON + timedelta(minutes=minutes))
    clock.now = NOON + timedelta(minutes=63)
    return run_id


def notices(runtime) -> list[tuple[str, str]]:
    with runtime.db.session() as session:
        return [(m.to_phone, m.body) for m in session.scalars(
            select(Message).where(Message.purpose == "notice", ~Message.body.contains("console code"))
            .order_by(Message.id))]


def seen_of(page: str, run_id: int) -> str:
    return re.search(rf'/console/runs/{run_id}/take".*?name="seen" value="([^"]+)"', page, re.S).group(1)


def test_excusing_from_the_page_tells_everyone_texted_as_an_sms_answer_does(console_client, runtime, escalated):
    console_client.sign_in(DANA)
    today = console_client.get("/console/").text
    assert "Change the disinfectant jars" in today and "Excuse" in today

    answer = console_client.post(f"/console/runs/{escalated}/excuse",
                                 {"seen": seen_of(today, escalated), "reason": "supplier never delivered"})

    assert answer.status_code == 302
    assert "is excused: supplier never delivered" in console_client.get("/console/").text
    with runtime.db.session() as session:
        assert session.get(Run, escalated).state == "excused"
        step = session.scalar(select(Escalation).where(Escalation.run_id == escalated).order_by(Escalation.level.desc()))
    assert (step.answer, step.answered_by, step.note) == ("excused", "dana", "supplier never delivered")
    told = notices(runtime)
    assert sorted(to for to, _ in told) == sorted([SAM, LENA, MARCO])
    assert all(body.endswith(": excused by Dana (supplier never delivered).") for _, body in told)


def test_an_excuse_needs_a_reason(console_client, runtime, escalated):
    console_client.sign_in(DANA)
    seen = seen_of(console_client.get("/console/").text, escalated)
    console_client.post(f"/console/runs/{escalated}/excuse", {"seen": seen, "reason": "  "})
    assert "Say why" in console_client.get("/console/").text
    with runtime.db.session() as session:
        assert session.get(Run, escalated).state == "open"


def test_reassigning_texts_the_new_assignee(console_client, runtime, escalated):
    console_client.sign_in(MARCO)
    seen = seen_of(console_client.get("/console/").text, escalated)
    console_client.post(f"/console/runs/{escalated}/reassign", {"seen": seen, "person": "dana"})
    with runtime.db.session() as session:
        assert session.get(Run, escalated).assignee == "dana"
        gave = session.scalar(select(Message.body).where(Message.to_phone == DANA, Message.purpose == "escalation"))
    assert gave.startswith("Marco gave you Change the disinfectant jars")


def test_two_people_deciding_at_once_the_second_is_told_what_happened(console_client, another_console_client,
                                                                     runtime, escalated):
    console_client.sign_in(DANA)
    another_console_client.sign_in(MARCO)
    dana_saw = seen_of(console_client.get("/console/").text, escalated)
    marco_saw = seen_of(another_console_client.get("/console/").text, escalated)

    another_console_client.post(f"/console/runs/{escalated}/take", {"seen": marco_saw})
    console_client.post(f"/console/runs/{escalated}/excuse", {"seen": dana_saw, "reason": "closed today"})

    page = console_client.get("/console/").text
    assert "Nothing changed: Marco took Change the disinfectant jars at 13:03." in page
    with runtime.db.session() as session:
        run = session.get(Run, escalated)
    assert (run.state, run.assignee) == ("open", "marco")
    assert not [to for to, body in notices(runtime) if "excused" in body]


def test_staff_cannot_excuse(console_client, runtime, escalated):
    console_client.sign_in(SAM)
    assert console_client.post(f"/console/runs/{escalated}/excuse",
                               {"seen": "3:", "reason": "no"}).status_code == 403


def test_another_tenants_person_cannot_decide(console_client, runtime, escalated):
    console_client.sign_in("+13125550201")
    assert console_client.post(f"/console/runs/{escalated}/take", {"seen": "3:"}).status_code == 404


def test_a_finding_is_acknowledged_once(console_client, another_console_client, runtime, clock):
    with runtime.db.session() as session:
        finding = Finding(tenant="harbor-barbers", task="jars", kind="misses", summary="Jars missed 3 of 7",
                          runs=[], open_key="misses:jars")
        session.add(finding)
        session.flush()
        finding_id = finding.id
    console_client.sign_in(DANA)
    another_console_client.sign_in(MARCO)
    assert "Jars missed 3 of 7" in console_client.get("/console/").text

    console_client.post(f"/console/findings/{finding_id}/acknowledge")
    another_console_client.post(f"/console/findings/{finding_id}/acknowledge")

    assert "Nothing changed: Dana Reyes already answered" in another_console_client.get("/console/").text
    with runtime.db.session() as session:
        assert session.get(Finding, finding_id).state == "acknowledged"

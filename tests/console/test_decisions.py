"""Deciding from Today: the same effects and texts as the SMS answers, and two people
deciding one escalation at once: the first wins, the second is told what happened."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from recurring.escalation import advance_escalations
from store.models import Escalation, Finding, Message, Proof, Run
from tests.console.conftest import DANA, LENA, MARCO, SAM

NOON = datetime.fromisoformat("2026-11-23T12:00:00-05:00")  # a Monday, nobody in quiet hours


def escalate(runtime, clock, task: str, title: str) -> int:
    """A run of `task`, Sam's, an hour overdue and escalated to Sam, Lena (backup) and Marco (manager)."""
    clock.now = NOON
    with runtime.db.session() as session:
        run = Run(tenant="harbor-barbers", task=task, title=title,
                  slot=NOON - timedelta(hours=3), due_at=NOON - timedelta(hours=1), assignee="sam", flags=[])
        session.add(run)
        session.flush()
        run_id = run.id
    for minutes in (0, 31, 62):
        advance_escalations(runtime, NOON + timedelta(minutes=minutes))
    clock.now = NOON + timedelta(minutes=63)
    return run_id


@pytest.fixture
def escalated(runtime, clock):
    """The jars run (a photo proves it)."""
    return escalate(runtime, clock, "jars", "Change the disinfectant jars")


@pytest.fixture
def cooler(runtime, clock):
    """The cooler run (a reading in F, 33 to 41, proves it)."""
    return escalate(runtime, clock, "cooler", "Log the cooler temperature")


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


def test_done_from_the_page_records_a_reading_as_a_text_does(console_client, runtime, cooler):
    console_client.sign_in(DANA)
    seen = seen_of(console_client.get("/console/").text, cooler)

    console_client.post(f"/console/runs/{cooler}/done", {"seen": seen, "reading": "38"})

    assert "Log the cooler temperature is late: 38 F recorded." in console_client.get("/console/").text
    with runtime.db.session() as session:
        run = session.get(Run, cooler)
        proof = session.scalar(select(Proof).where(Proof.run_id == cooler))
    assert (run.state, run.completed_by, run.flags) == ("late", "dana", [])
    assert (proof.kind, proof.value, proof.unit, proof.flags) == ("number", "38", "F", [])
    assert not [body for _, body in notices(runtime) if "outside the allowed range" in body]


def test_a_reading_out_of_range_from_the_page_is_flagged_and_texted_to_the_managers(console_client, runtime,
                                                                                  cooler):
    console_client.sign_in(DANA)
    seen = seen_of(console_client.get("/console/").text, cooler)

    console_client.post(f"/console/runs/{cooler}/done", {"seen": seen, "reading": "47.5 °F"})

    assert "47.5 F is outside its range; the managers have been texted." in console_client.get("/console/").text
    with runtime.db.session() as session:
        run = session.get(Run, cooler)
        proof = session.scalar(select(Proof).where(Proof.run_id == cooler))
    assert run.flags == ["out_of_range"] and (proof.value, proof.unit, proof.flags) == ("47.5", "F", ["out_of_range"])
    told = [to for to, body in notices(runtime)
            if body == "Log the cooler temperature: Dana Reyes recorded 47.5 F, outside the allowed range. Please check now."]
    assert told == [MARCO]  # the managers and the owner, but not Dana, who entered it


def test_a_reading_in_another_unit_is_recorded_in_it_and_flagged(console_client, runtime, cooler):
    console_client.sign_in(DANA)
    seen = seen_of(console_client.get("/console/").text, cooler)
    console_client.post(f"/console/runs/{cooler}/done", {"seen": seen, "reading": "4C"})
    with runtime.db.session() as session:
        proof = session.scalar(select(Proof).where(Proof.run_id == cooler))
    assert (proof.value, proof.unit, proof.flags) == ("4", "C", ["unit_mismatch"])


@pytest.mark.parametrize("typed", ["", "   ", "cold", "x" * 500])
def test_a_reading_that_is_not_a_number_changes_nothing(console_client, runtime, cooler, typed):
    console_client.sign_in(DANA)
    seen = seen_of(console_client.get("/console/").text, cooler)

    answer = console_client.post(f"/console/runs/{cooler}/done", {"seen": seen, "reading": typed})

    assert answer.status_code == 302
    assert "needs its reading as a number, e.g. 38. Nothing changed." in console_client.get("/console/").text
    with runtime.db.session() as session:
        assert session.get(Run, cooler).state == "open"
        assert session.scalar(select(Proof).where(Proof.run_id == cooler)) is None


def test_a_photo_task_is_done_by_text_and_the_page_says_why(console_client, runtime, escalated):
    console_client.sign_in(DANA)
    today = console_client.get("/console/").text
    assert "Done by text: a photo comes by MMS from the phone at the task." in today
    assert f"/console/runs/{escalated}/done" not in today

    console_client.post(f"/console/runs/{escalated}/done", {"seen": seen_of(today, escalated)})

    assert "needs a photo: it is done by text" in console_client.get("/console/").text
    with runtime.db.session() as session:
        assert session.get(Run, escalated).state == "open"

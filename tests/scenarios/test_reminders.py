"""Reminders, told as the staff live them: the clock is set, the scheduler ticks, the
worker sends what is due, and we read the phones (the console sender keeps every text)
and the runs.

Harbor Street Barbers (tests/tenants/harbor-barbers.yaml): Lena opens at 9 (Mon-Sat)
and has quiet hours 21:00-07:00; Sam changes the jars Mon and Thu at 10 and reads the
cooler at noon.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from config.schema import Task
from recurring.scheduler import tick
from routing.tenants import TenantDirectory
from store.models import Run
from tests.confirmations.conftest import run_worker

LENA, SAM = "+16175550103", "+16175550104"
MONDAY = "2026-11-23"


def at(clock: str, day: str = MONDAY) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}:00-05:00")


@pytest.fixture
def shop(app, runtime):
    """Moves the clock: each call is one scheduler pass, then the worker sends what it queued."""

    def tick_at(clock: str, day: str = MONDAY):
        result = tick(runtime, at(clock, day))
        with app.app_context():
            run_worker(runtime)
        return result

    return tick_at


def phone(runtime, number: str) -> list[str]:
    """Every text the phone has received so far."""
    return [text.body for text in runtime.messaging.sent if text.to == number]


def runs(runtime, task: str) -> list[Run]:
    with runtime.db.session() as session:
        return session.scalars(select(Run).where(Run.task == task).order_by(Run.slot)).all()


def add_tasks(runtime, *tasks: dict) -> None:
    harbor = runtime.tenants.get("harbor-barbers")
    extended = harbor.model_copy(update={"tasks": (*harbor.tasks, *(Task(**t) for t in tasks))})
    runtime.tenants = TenantDirectory(tuple(extended if t is harbor else t for t in runtime.tenants))


def test_at_nine_lena_gets_her_opening_checklist_with_steps_and_the_proof_to_send(runtime, shop):
    shop("08:59")
    assert phone(runtime, LENA) == []
    shop("09:00")
    assert phone(runtime, LENA) == [
        "Opening checklist, due by 9:30 AM: Lights and music on; Stations wiped down; "
        "Fresh towels stocked. Reply DONE with a photo."]
    (run,) = runs(runtime, "opening")
    assert (run.state, run.assignee, run.due_at) == ("open", "lena", at("09:30"))


def test_at_noon_sam_is_asked_for_the_cooler_reading_in_range(runtime, shop):
    shop("11:59")  # the first pass: the jars (10:00, due by 12:00) are still Sam's to do
    shop("12:00")
    assert phone(runtime, SAM) == ["Change the disinfectant jars, due by 12:00 PM. Reply DONE with a photo.",
                                   "Product cooler temperature, due by 1:00 PM. "
                                   "Reply DONE and the reading in F (33-41)."]


def test_two_passes_at_the_same_moment_text_once(runtime, shop):
    shop("09:00")
    shop("09:00")
    assert len(phone(runtime, LENA)) == 1 and len(runs(runtime, "opening")) == 1


def test_a_task_due_in_lenas_quiet_hours_texts_her_when_they_end(runtime, shop):
    add_tasks(runtime, dict(id="prep", title="Prep the back room", cadence="0 6 * * *", due="2h",
                            owner="lena", proof="none"))
    shop("06:00")
    (run,) = runs(runtime, "prep")
    assert run.state == "open" and phone(runtime, LENA) == []  # 6 AM: she is asleep
    shop("06:59")
    assert phone(runtime, LENA) == []
    shop("07:00")
    assert phone(runtime, LENA) == ["Prep the back room, due by 8:00 AM. Reply DONE."]
    shop("07:01")
    assert len(phone(runtime, LENA)) == 1


def test_after_hours_of_downtime_the_missed_slots_are_recorded_once_and_nobody_gets_a_pile(runtime, shop):
    shop("09:00")  # Monday: Lena's opening checklist goes out
    # The scheduler is down from 9:01 until 12:30. Sam's jars (10:00, due by noon) came
    # and went; the cooler (noon, due 1 PM) is still on.
    result = shop("12:30")
    assert (result.runs_created, result.stale) == (2, 1)
    (jars,) = runs(runtime, "jars")
    assert (jars.state, jars.flags, jars.reminded_at) == ("missed", ["stale"], None)
    assert runs(runtime, "cooler")[0].state == "open"
    assert phone(runtime, SAM) == ["Product cooler temperature, due by 1:00 PM. "
                                   "Reply DONE and the reading in F (33-41)."]
    again = shop("12:30")
    assert again.runs_created == 0 and len(phone(runtime, SAM)) == 1


def test_after_days_of_downtime_only_what_is_still_due_is_texted(runtime, shop):
    shop("09:00")  # Monday
    shop("09:05", day="2026-11-26")  # Thursday: three days of slots were missed meanwhile
    assert [r.state for r in runs(runtime, "opening")] == ["open", "missed", "missed", "open"]
    assert phone(runtime, LENA) == [phone(runtime, LENA)[0]] * 2  # Monday's and Thursday's opening
    assert phone(runtime, SAM) == []  # Monday's jars, three coolers: all recorded missed, none texted


def test_five_tasks_due_at_once_for_sam_are_one_text_then_one_bundle(runtime, shop):
    add_tasks(runtime, *(dict(id=f"shelf-{n}", title=f"Restock shelf {n}", cadence="0 14 * * *", due="1h",
                              owner="sam", proof="none") for n in range(1, 6)))
    result = shop("14:00")
    assert (result.reminders_queued, result.reminders_held) == (5, 4)
    assert phone(runtime, SAM) == ["Restock shelf 1, due by 3:00 PM. Reply DONE."]
    shop("14:01")
    assert phone(runtime, SAM)[1:] == ["4 updates:\n"
                                       "1) Restock shelf 2, due by 3:00 PM\n"
                                       "2) Restock shelf 3, due by 3:00 PM\n"
                                       "3) Restock shelf 4, due by 3:00 PM\n"
                                       "4) Restock shelf 5, due by 3:00 PM"]
    shop("14:02")
    assert len(phone(runtime, SAM)) == 2


def test_held_reminders_come_as_one_bundle_after_downtime_not_a_burst(runtime, shop):
    add_tasks(runtime, *(dict(id=f"shelf-{n}", title=f"Restock shelf {n}", cadence="0 14 * * *", due="1h",
                              owner="sam", proof="none") for n in range(1, 6)))
    shop("14:00")  # one text; four held. Then the scheduler is down until 17:00.
    result = shop("17:00")
    # The pass also escalates the five overdue runs to Sam: those texts wait behind the
    # held ones, and everything goes out as one bundle (what doesn't fit follows).
    assert (result.escalated, result.bundles_sent) == (5, 1)
    first, bundle = phone(runtime, SAM)
    lines = bundle.splitlines()
    assert lines[0] == "6 updates:" and lines[-1] == "+3 more to follow" and len(bundle) <= 320
    assert lines[1:5] == [f"{n - 1}) Restock shelf {n}, due by 3:00 PM" for n in range(2, 6)]
    assert lines[5].startswith("5) Restock shelf 1 was due at 3:00 PM") and lines[5].endswith("; reply 1t")
    shop("17:01")
    assert phone(runtime, SAM)[2].startswith("3 updates:")  # the rest, a minute later: 3 texts, not 10

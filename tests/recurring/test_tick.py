"""The scheduler tick at chosen clocks: runs created once, reminders texted once."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recurring.reminders import in_quiet_hours, reminder_text
from recurring.scheduler import tick
from store.models import Message, Run
from tests.conftest import HARBOR_NUMBER

LENA = "+16175550103"
ROOT = Path(__file__).resolve().parents[2]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def runs(runtime, **where) -> list[Run]:
    with runtime.db.session() as session:
        query = select(Run).filter_by(**where).order_by(Run.slot, Run.task)
        return session.scalars(query).all()


def reminders(runtime) -> list[Message]:
    with runtime.db.session() as session:
        return session.scalars(select(Message).where(Message.purpose == "reminder")
                               .order_by(Message.id)).all()


def test_monday_at_nine_creates_the_opening_run_and_texts_lena(runtime):
    result = tick(runtime, at("2026-11-23T09:00:00-05:00"))
    (run,) = runs(runtime)
    assert (run.task, run.title, run.state, run.assignee) == ("opening", "Opening checklist", "open", "lena")
    assert run.slot == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert run.due_at == datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    assert run.reminded_at == run.slot and run.flags == []
    (text,) = reminders(runtime)
    assert (text.to_phone, text.from_phone, text.direction) == (LENA, HARBOR_NUMBER, "out")
    assert text.body == ("Opening checklist, due by 9:30 AM: Lights and music on; Stations wiped "
                         "down; Fresh towels stocked. Reply DONE with a photo.")
    assert (result.runs_created, result.reminders_queued, result.stale) == (1, 1, 0)


def test_a_first_tick_inside_the_due_window_still_creates_and_texts_the_run(runner, runtime):
    """`flask tick --now 09:05` on a fresh install: the 09:00 opening (due 9:30) is there."""
    result = runner.invoke(args=["tick", "--now", "2026-11-23T09:05:00-05:00"])
    assert result.exit_code == 0, result.output
    assert "1 runs created (0 stale, not texted), 1 reminders queued" in result.output
    (run,) = runs(runtime)
    assert (run.task, run.state, run.slot) == ("opening", "open", at("2026-11-23T09:00:00-05:00"))
    assert [m.to_phone for m in reminders(runtime)] == [LENA]


def test_a_first_tick_records_no_run_that_was_past_due_before_it(runner, runtime):
    result = runner.invoke(args=["tick", "--now", "2026-11-23T09:45:00-05:00"])
    assert result.exit_code == 0 and "0 runs created" in result.output
    assert runs(runtime) == [] and reminders(runtime) == []


def test_a_second_tick_at_the_same_time_creates_nothing(runtime):
    tick(runtime, at("2026-11-23T09:00:00-05:00"))
    again = tick(runtime, at("2026-11-23T09:00:00-05:00"))
    assert (again.runs_created, again.reminders_queued) == (0, 0)
    assert len(runs(runtime)) == 1 and len(reminders(runtime)) == 1


def test_sunday_has_no_opening(runtime):
    result = tick(runtime, at("2026-11-22T09:00:00-05:00"))
    assert result.runs_created == 0 and runs(runtime) == []


def test_a_tick_between_slots_creates_nothing(runtime):
    tick(runtime, at("2026-11-23T09:00:00-05:00"))
    assert tick(runtime, at("2026-11-23T09:01:00-05:00")).runs_created == 0


def test_quiet_hours_hold_the_reminder_until_they_end(runtime, harbor_with):
    runtime.tenants = harbor_with(id="prep", title="Prep the back room", cadence="0 6 * * *",
                                  due="2h", owner="lena", proof="none")
    created = tick(runtime, at("2026-11-23T06:00:00-05:00"))
    (run,) = runs(runtime, task="prep")
    assert created.runs_created == 1 and created.reminders_queued == 0
    assert run.remind_at == datetime(2026, 11, 23, 12, 0, tzinfo=UTC) and run.reminded_at is None
    assert tick(runtime, at("2026-11-23T06:59:00-05:00")).reminders_queued == 0
    assert reminders(runtime) == []
    assert tick(runtime, at("2026-11-23T07:00:00-05:00")).reminders_queued == 1
    assert tick(runtime, at("2026-11-23T07:01:00-05:00")).reminders_queued == 0
    (text,) = reminders(runtime)
    assert text.to_phone == LENA and text.body == "Prep the back room, due by 8:00 AM. Reply DONE."
    assert runs(runtime, task="prep")[0].reminded_at == at("2026-11-23T07:00:00-05:00")


def test_a_reminder_deferred_past_its_due_time_is_not_sent(runtime, harbor_with):
    """Quiet hours until 07:00, due at 06:30: by the time Lena may be texted the run is
    overdue, and escalation has it; a reminder then would only be noise."""
    runtime.tenants = harbor_with(id="prep", title="Prep the back room", cadence="0 6 * * *",
                                  due="30m", owner="lena", proof="none")
    tick(runtime, at("2026-11-23T06:00:00-05:00"))
    result = tick(runtime, at("2026-11-23T07:00:00-05:00"))
    assert result.reminders_queued == 0 and reminders(runtime) == []
    assert runs(runtime, task="prep")[0].reminded_at is None


def test_after_days_of_downtime_missed_slots_are_created_once_and_only_the_current_is_texted(runtime):
    tick(runtime, at("2026-11-23T09:00:00-05:00"))  # Monday
    result = tick(runtime, at("2026-11-26T09:10:00-05:00"))  # Thursday, three days later
    # opening Tue..Thu, jars Mon 10:00, cooler/cash/handoff-note Mon..Wed
    assert (result.runs_created, result.stale, result.reminders_queued) == (13, 12, 1)
    stale = runs(runtime, state="missed")
    assert len(stale) == 12 and all(r.flags == ["stale"] and r.reminded_at is None for r in stale)
    (current,) = runs(runtime, state="open", slot=at("2026-11-26T09:00:00-05:00"))
    assert current.task == "opening" and current.reminded_at is not None
    assert [m.to_phone for m in reminders(runtime)] == [LENA, LENA]
    again = tick(runtime, at("2026-11-26T09:10:00-05:00"))
    assert (again.runs_created, again.reminders_queued) == (0, 0)


def test_downtime_catch_up_is_bounded(runtime):
    tick(runtime, at("2026-11-02T09:00:00-05:00"))
    tick(runtime, at("2026-11-23T09:00:00-05:00"))  # three weeks later
    caught_up = [r.slot for r in runs(runtime)][1:]  # after the first tick's own run
    assert min(caught_up) > at("2026-11-16T09:00:00-05:00")


@pytest.mark.parametrize("now, slot", [
    ("2026-10-31T09:00:00-04:00", "2026-10-31T13:00:00+00:00"),  # Saturday, EDT
    ("2026-11-02T09:00:00-05:00", "2026-11-02T14:00:00+00:00"),  # Monday, EST
])
def test_opening_stays_at_nine_local_across_the_dst_change(runtime, now, slot):
    tick(runtime, at(now))
    (run,) = runs(runtime, task="opening")
    assert run.slot == at(slot)
    assert "due by 9:30 AM" in reminders(runtime)[0].body


def test_both_sides_of_the_dst_change_in_one_history(runtime):
    tick(runtime, at("2026-10-31T09:00:00-04:00"))
    tick(runtime, at("2026-11-02T08:59:00-05:00"))
    assert tick(runtime, at("2026-11-02T09:00:00-05:00")).reminders_queued == 1
    assert [r.slot for r in runs(runtime, task="opening")] == [
        at("2026-10-31T13:00:00+00:00"), at("2026-11-02T14:00:00+00:00")]


def test_two_processes_ticking_at_once_create_one_run_and_one_reminder(env):
    """Runs against PostgreSQL when DATABASE_URL names one (CI), else the SQLite file."""
    command = [sys.executable, "-m", "flask", "--app", "server", "tick", "--now", "2026-11-23T14:00:00Z"]
    environ = {**os.environ, **env}
    procs = [subprocess.Popen(command, cwd=ROOT, env=environ, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    created = sorted(int(out.split(": ")[1].split(" runs created")[0]) for out, _ in outputs)
    assert created == [0, 1], outputs
    from store.db import make_engine
    engine = make_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Run)) == 1
        assert connection.scalar(select(func.count()).select_from(Message)
                                 .where(Message.purpose == "reminder")) == 1
    engine.dispose()


def test_the_tick_command_prints_counts(runner):
    result = runner.invoke(args=["tick", "--now", "2026-11-23T09:00:00-05:00"])
    assert result.exit_code == 0, result.output
    assert "1 runs created (0 stale, not texted), 1 reminders queued (0 held back)" in result.output


@pytest.mark.parametrize("clock, quiet", [
    ("20:59", False), ("21:00", True), ("23:59", True), ("00:00", True), ("06:59", True),
    ("07:00", False), ("12:00", False),
])
def test_quiet_hours_wrap_midnight(clock, quiet):
    from config.schema import parse_clock
    assert in_quiet_hours(parse_clock(clock), parse_clock("21:00"), parse_clock("07:00")) is quiet


def test_reminder_texts_ask_for_the_proof_and_stay_short(runtime):
    harbor = runtime.tenants.get("harbor-barbers")
    slot = at("2026-11-23T12:00:00-05:00")
    cooler = harbor.task("cooler")
    assert reminder_text(cooler, slot + cooler.due, slot, harbor.zone) == (
        "Product cooler temperature, due by 1:00 PM. Reply DONE and the reading in F (33-41).")
    note = harbor.task("handoff-note")
    assert reminder_text(note, slot + note.due, slot, harbor.zone).endswith("Reply DONE and a short note.")
    wordy = cooler.model_copy(update={"steps": tuple(f"Step number {i} with some words" for i in range(30))})
    text = reminder_text(wordy, slot + wordy.due, slot, harbor.zone)
    assert len(text) <= 320 and "..." in text and text.isascii()
    assert text.endswith("Reply DONE and the reading in F (33-41).")
    overnight = cooler.model_copy(update={"due": cooler.due * 24})
    assert "due by 12:00 PM Tue" in reminder_text(overnight, slot + overnight.due, slot, harbor.zone)

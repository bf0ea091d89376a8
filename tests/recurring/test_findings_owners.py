"""An owner's change of who does a task: new runs go to the new person, texted on their clock."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from recurring.owners import load_overrides, owner_of, set_owner
from recurring.scheduler import tick
from store.models import Message, Run, TaskOwner

HARBOR = "harbor-barbers"
LENA, SAM = "+16175550103", "+16175550104"
NOON = datetime.fromisoformat("2026-11-23T12:00:00-05:00")


def give(runtime, task: str, person: str, by: str = "dana", now: datetime = NOON) -> None:
    harbor = runtime.tenants.get(HARBOR)
    with runtime.db.session() as session:
        set_owner(session, harbor, harbor.task(task), person, by, now)


def runs(runtime, task: str) -> list[Run]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Run).where(Run.task == task).order_by(Run.slot)))


def reminders(runtime) -> list[tuple[str, str]]:
    with runtime.db.session() as session:
        rows = session.scalars(select(Message).where(Message.purpose == "reminder").order_by(Message.id))
        return [(m.to_phone, m.body[:26]) for m in rows]


def test_a_new_run_goes_to_the_new_owner_and_is_texted_to_them(runtime):
    give(runtime, "cooler", "lena")
    tick(runtime, NOON)
    (run,) = runs(runtime, "cooler")
    assert run.assignee == "lena"
    assert reminders(runtime) == [(LENA, "Product cooler temperature")]


def test_without_a_change_the_config_owner_does_it(runtime):
    tick(runtime, NOON)
    assert runs(runtime, "cooler")[0].assignee == "sam"
    assert reminders(runtime) == [(SAM, "Product cooler temperature")]


def test_the_last_change_wins_and_other_tenants_are_untouched(runtime):
    give(runtime, "cooler", "lena")
    give(runtime, "cooler", "marco", by="marco")
    with runtime.db.session() as session:
        rows = session.scalars(select(TaskOwner)).all()
        assert [(r.tenant, r.task, r.person, r.set_by) for r in rows] == [(HARBOR, "cooler", "marco", "marco")]
        assert load_overrides(session, ["north-nails"]) == {}
        assert load_overrides(session) == {(HARBOR, "cooler"): "marco"}


def test_the_new_owners_quiet_hours_hold_the_reminder(runtime, harbor_with):
    runtime.tenants = harbor_with(id="prep", title="Prep the back room", cadence="0 6 * * *", due="3h",
                                  owner="sam", proof="none")
    give(runtime, "prep", "lena")  # Lena's quiet hours end at 07:00
    tick(runtime, datetime.fromisoformat("2026-11-23T06:00:00-05:00"))
    (run,) = runs(runtime, "prep")
    assert run.assignee == "lena" and run.reminded_at is None
    assert run.remind_at == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_person_no_longer_in_the_file_gives_the_task_back_to_its_config_owner(runtime):
    harbor = runtime.tenants.get(HARBOR)
    overrides = {(HARBOR, "cooler"): "gone"}
    assert owner_of(harbor, harbor.task("cooler"), overrides) == "sam"
    assert owner_of(harbor, harbor.task("cooler"), {(HARBOR, "cooler"): "lena"}) == "lena"
    assert owner_of(harbor, harbor.task("cooler"), {("north-nails", "cooler"): "lena"}) == "sam"

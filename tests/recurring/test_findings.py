"""Findings: the rules on closed runs, one finding and one owner text per pattern."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from recurring.findings import close_finding, finding_text, review_closed_run
from store.models import Finding, Message, Run

NY = ZoneInfo("America/New_York")
HARBOR = "harbor-barbers"
DANA = "+16175550101"


def local(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=NY).astimezone(UTC)


@pytest.fixture
def harbor(runtime):
    return runtime.tenants.get(HARBOR)


def add_run(session, tenant, task_id: str, day: str, state: str, assignee: str | None = None,
            flags: tuple[str, ...] = (), hour: int = 12) -> Run:
    task = tenant.task(task_id)
    slot = local(day, hour)
    run = Run(tenant=tenant.tenant, task=task_id, title=task.title, slot=slot, due_at=slot + task.due,
              state=state, assignee=assignee or task.owner, flags=list(flags))
    session.add(run)
    session.flush()
    return run


@pytest.fixture
def close(runtime, harbor):
    """Closes a run of a task on a day (as it would be closed) and reviews it: the finding's id."""

    def close(task_id: str, day: str, state: str, hour: int = 12, tenant=None, **fields) -> int | None:
        tenant = tenant or harbor
        with runtime.db.session() as session:
            run = add_run(session, tenant, task_id, day, state, hour=hour, **fields)
            finding = review_closed_run(session, tenant, run, run.due_at + timedelta(hours=1))
            return finding.id if finding else None
    return close


def findings(runtime) -> list[Finding]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Finding).order_by(Finding.id)))


def owner_texts(runtime) -> list[Message]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Message).where(Message.purpose == "finding").order_by(Message.id)))


def run_ids(runtime, task: str) -> list[int]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Run.id).where(Run.task == task).order_by(Run.slot)))


def test_a_third_miss_in_seven_runs_raises_one_finding_and_texts_the_owner_once(runtime, close):
    assert close("cooler", "2026-11-16", "missed") is None
    assert close("cooler", "2026-11-17", "done") is None
    assert close("cooler", "2026-11-18", "missed") is None
    assert close("cooler", "2026-11-19", "late") is not None
    (finding,) = findings(runtime)
    assert (finding.tenant, finding.task, finding.kind, finding.state) == (HARBOR, "cooler", "repeated", "open")
    missed_1, _, missed_2, late = run_ids(runtime, "cooler")
    assert finding.runs == [missed_1, missed_2, late]
    assert finding.summary == "Product cooler temperature went wrong in 3 of its last 4 runs: 2 missed, 1 late."
    (text,) = owner_texts(runtime)
    assert (text.to_phone, text.from_phone, text.status) == (DANA, "+16175550100", "queued")
    assert text.body == ("Pattern: Product cooler temperature went wrong in 3 of its last 4 runs: 2 missed, "
                         "1 late. Reply 1A if you've got it, or 1O and a name to give the task to someone else.")


def test_a_fourth_miss_while_open_raises_nothing_more_and_joins_the_finding(runtime, close):
    for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
        close("cooler", day, "missed")
    assert close("cooler", "2026-11-19", "missed") is None
    (finding,) = findings(runtime)
    assert finding.runs == run_ids(runtime, "cooler")
    assert len(owner_texts(runtime)) == 1


def test_handed_to_the_backup_counts_and_a_stale_run_does_not(runtime, close):
    close("cash", "2026-11-16", "done", hour=18, flags=("handed_to_backup",))
    close("cash", "2026-11-17", "missed", hour=18, flags=("stale",))
    close("cash", "2026-11-18", "late", hour=18)
    assert findings(runtime) == []
    assert close("cash", "2026-11-19", "missed", hour=18) is not None
    (finding,) = findings(runtime)
    assert finding.summary == ("Closing cash count went wrong in 3 of its last 4 runs: "
                               "1 handed to the backup, 1 late, 1 missed.")


def test_runs_done_on_time_or_excused_raise_nothing(runtime, close):
    for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
        close("cooler", day, "missed")
    # an older finding was answered: on-time and excused runs never start a new one
    with runtime.db.session() as session:
        (finding,) = session.scalars(select(Finding))
        close_finding(session, runtime.tenants.get(HARBOR), finding, "acknowledged", "dana", local("2026-11-18", 15))
    assert close("cooler", "2026-11-19", "done") is None
    assert close("cooler", "2026-11-20", "excused") is None
    assert len(findings(runtime)) == 1


def test_only_the_last_seven_runs_count(runtime, close):
    close("cooler", "2026-11-10", "missed")
    close("cooler", "2026-11-11", "missed")
    for day in range(12, 18):
        close("cooler", f"2026-11-{day}", "done")
    assert close("cooler", "2026-11-18", "missed") is None  # the two old misses are 8 and 9 runs back
    assert findings(runtime) == []


def test_after_an_answer_the_same_misses_do_not_raise_it_again(runtime, close, harbor):
    for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
        close("cooler", day, "missed")
    with runtime.db.session() as session:
        (finding,) = session.scalars(select(Finding))
        close_finding(session, harbor, finding, "acknowledged", "dana", local("2026-11-18", 15))
    assert close("cooler", "2026-11-19", "missed") is None
    assert close("cooler", "2026-11-20", "missed") is None
    assert close("cooler", "2026-11-21", "missed") is not None  # three new misses: a new finding
    first, second = findings(runtime)
    assert (first.state, first.open_key, second.state, second.open_key) == (
        "acknowledged", None, "open", "task:cooler")
    assert second.runs == run_ids(runtime, "cooler")[3:]
    assert "went wrong in 3 of its last 6 runs: 3 missed." in owner_texts(runtime)[1].body


def test_misses_on_the_same_weekday_raise_a_weekday_finding(runtime, close):
    # Product cooler temperature runs daily; it is missed on three Mondays and done otherwise
    for monday in ("2026-11-09", "2026-11-16", "2026-11-23"):
        for offset in range(1, 7):
            day = (datetime.fromisoformat(monday) - timedelta(days=offset)).date().isoformat()
            if day > "2026-11-02":
                close("cooler", day, "done")
        raised = close("cooler", monday, "missed")
    assert raised is not None
    (finding,) = findings(runtime)
    assert (finding.kind, finding.task) == ("weekday", "cooler")
    assert finding.summary == "Product cooler temperature was missed the last 3 Mondays."
    assert len(finding.runs) == 3 and len(owner_texts(runtime)) == 1


def test_misses_on_different_weekdays_are_no_weekday_pattern(runtime, close):
    for day in range(9, 25):
        close("cooler", f"2026-11-{day:02d}", "missed" if day in (9, 16, 24) else "done")  # 24: a Tuesday
    assert findings(runtime) == []


def test_a_task_that_only_runs_on_mondays_is_no_weekday_pattern(runtime, close, harbor_with):
    runtime.tenants = harbor_with(id="order", title="Order supplies", cadence="0 10 * * 1", due="2h",
                                  owner="marco", proof="none")
    tenant = runtime.tenants.get(HARBOR)
    close("order", "2026-11-02", "missed", hour=10, tenant=tenant)
    close("order", "2026-11-09", "missed", hour=10, tenant=tenant)
    close("order", "2026-11-16", "missed", hour=10, tenant=tenant)
    (finding,) = findings(runtime)
    assert finding.kind == "repeated"  # 3 of its last 3 runs, said as such


def test_one_person_behind_misses_of_several_tasks(runtime, close):
    close("jars", "2026-11-12", "missed", hour=10)
    close("cooler", "2026-11-15", "missed")
    assert close("jars", "2026-11-19", "missed", hour=10) is not None
    (finding,) = findings(runtime)
    assert (finding.kind, finding.task, finding.person) == ("person", None, "sam")
    assert finding.summary == ("Sam missed 3 runs of 2 tasks in 14 days: "
                               "Change the disinfectant jars x2, Product cooler temperature x1.")
    (text,) = owner_texts(runtime)
    assert text.body.endswith("Reply 1A if you've got it.")


def test_misses_more_than_fourteen_days_apart_are_not_one_persons_pattern(runtime, close):
    close("jars", "2026-11-02", "missed", hour=10)
    close("cooler", "2026-11-15", "missed")
    close("jars", "2026-11-19", "missed", hour=10)
    assert findings(runtime) == []


def test_another_tenants_runs_never_count(runtime, close):
    north = runtime.tenants.get("north-nails")
    cooler = runtime.tenants.get(HARBOR).task("cooler").model_copy(update={"owner": "bo", "backup": None})
    north = north.model_copy(update={"tasks": (cooler,)})
    close("cooler", "2026-11-16", "missed", tenant=north)
    close("cooler", "2026-11-17", "missed", tenant=north)
    assert close("cooler", "2026-11-18", "missed") is None
    assert findings(runtime) == []


def test_two_processes_closing_the_third_and_fourth_miss_at_once_raise_one_finding(runtime, harbor):
    with runtime.db.session() as session:
        add_run(session, harbor, "cooler", "2026-11-16", "missed")
        add_run(session, harbor, "cooler", "2026-11-17", "missed")
        ids = [add_run(session, harbor, "cooler", day, "open").id for day in ("2026-11-18", "2026-11-19")]
    postgres = runtime.db.engine.dialect.name == "postgresql"
    both_closed = threading.Barrier(2, timeout=10)

    def miss(run_id: int) -> None:
        with runtime.db.session() as session:
            run = session.get(Run, run_id)
            run.state = "missed"
            session.flush()
            if postgres:  # both transactions are open at once (SQLite writers take turns anyway)
                both_closed.wait()
            review_closed_run(session, harbor, run, local("2026-11-20"))

    threads = [threading.Thread(target=miss, args=(run_id,)) for run_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (finding,) = findings(runtime)
    assert len(owner_texts(runtime)) == 1
    assert set(ids) <= set(finding.runs)


def test_the_owner_text_stays_under_320_characters(harbor):
    long = Finding(id=1, tenant=HARBOR, task="cooler", kind="repeated", summary="x" * 400, runs=[])
    text = finding_text(long, 12)
    assert len(text) <= 320 and text.endswith("12O and a name to give the task to someone else.")
    assert "x..." in text and text.isascii()  # GSM-7: one character outside it makes the text UCS-2

"""Runs: each task's slots become rows exactly once, and each run's reminder goes once.

One pass (`schedule_runs`) at the clock `now`:

1. The window is (mark, now], where the mark is how far the last pass looked (the
   `scheduler_marks` row, kept in the database so every process shares it). The first
   pass ever looks back over the longest due window of the tasks, and creates only the
   runs still inside their due window (a first pass at 09:05 still has the 09:00 run, and
   no run from before Onward started is recorded missed); after downtime the window
   reaches back at most MAX_CATCH_UP, so slots older than that are never created.
2. Every slot of every task in the window is planned as a row (cadence slots are
   computed once per cadence, zone and window, and shared by the tasks that have them),
   and the rows go in, BATCH a transaction, with one INSERT ... ON CONFLICT DO NOTHING
   on (tenant, task, slot) RETURNING the rows it created (store/bulk.py). Two passes at
   once (two processes) create each run once, and only the pass whose insert created a
   row queues its reminder, in the same transaction.
3. A run created after its due time (the slot was missed while the scheduler was
   down) is created `missed` with the flag `stale` and is never texted: after hours
   of downtime the assignee gets no pile of old reminders, only the runs still within
   their due window are texted.
4. A run whose assignee was in quiet hours at the slot keeps `remind_at` = the end of
   their quiet hours; the first pass at or after it, while the run is still open and
   not yet due, claims the run (`reminded_at`, set by a conditional UPDATE, so two
   passes claim it once) and queues the text.
5. Reminders go through the outbox's queue_messages, in bulk: opt-outs and the rate
   limit apply as to every text (confirmations/throttle.py), so ten tasks due at once
   for one person are one text and, a minute later, one bundle.
6. The mark moves to `now` (never backwards) after all of the above committed; a pass
   that fails half way leaves it, and the next pass redoes the window harmlessly.
"""
from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config.schema import Person, Task, Tenant
from confirmations.outbox import Queued, Text, queue_messages
from recurring.cadence import parse_cadence
from recurring.owners import Overrides, load_overrides, owner_of
from recurring.reminders import reminder_text, remind_time
from routing.tenants import TenantDirectory
from runtime import Runtime
from store.bulk import insert_rows
from store.db import Database, utcnow
from store.models import MessageStatus, Run, SchedulerMark
from store.statements import upsertable_insert

MARK = "tick"
FIRST_WINDOW = timedelta(minutes=1)  # the first pass ever looks back at least this far
MAX_CATCH_UP = timedelta(days=7)  # after longer downtime, older slots are not created
BATCH = 500  # runs a transaction: on SQLite a webhook waits for at most one (about 20 ms)
RUN_KEY = ("tenant", "task", "slot")


@dataclass(frozen=True)
class RunCounts:
    created: int = 0
    reminded: int = 0  # reminder texts written, held ones included
    held: int = 0  # of those, held back by the rate limit (they go out in a bundle)
    stale: int = 0

    def __add__(self, other: RunCounts) -> RunCounts:
        return RunCounts(self.created + other.created, self.reminded + other.reminded,
                         self.held + other.held, self.stale + other.stale)


class Planned(NamedTuple):
    """A run to create, and what its reminder needs."""

    row: dict[str, Any]
    tenant: Tenant
    task: Task
    person: Person | None  # the assignee; None once they left the config

    @property
    def key(self) -> tuple[str, str, datetime]:
        return self.row["tenant"], self.row["task"], self.row["slot"]


def schedule_runs(runtime: Runtime, now: datetime) -> RunCounts:
    """Create the runs due in (mark, now], queue their reminders and the deferred ones."""
    start = window_start(runtime.db, now)
    first = start is None
    if first:
        start = now - first_window(runtime.tenants)
    with runtime.db.sessionmaker() as session:
        owners = load_overrides(session)  # owners changed by text: one query a pass
    planned = plan_runs(runtime.tenants, start, now, owners, written=utcnow())
    if first:  # slots from before the first pass that are past due are nobody's miss
        planned = (p for p in planned if p.row["state"] == "open")
    counts = create_in_batches(runtime.db, planned, now)
    counts += send_deferred_reminders(runtime, now)
    advance_mark(runtime.db, now)
    return counts


def window_start(db: Database, now: datetime) -> datetime | None:
    """Where this pass's window starts; None for the first pass ever."""
    with db.sessionmaker() as session:
        mark = session.get(SchedulerMark, MARK)
    if mark is None:
        return None
    return max(mark.at, now - MAX_CATCH_UP)


def first_window(tenants: Iterable[Tenant]) -> timedelta:
    """How far the first pass ever looks back: the longest due window, so a run still
    due when Onward first ticks is created and texted."""
    longest = max((task.due for tenant in tenants for task in tenant.tasks), default=FIRST_WINDOW)
    return min(max(longest, FIRST_WINDOW), MAX_CATCH_UP)


def advance_mark(db: Database, now: datetime) -> None:
    with db.session() as session:
        insert = upsertable_insert(session, SchedulerMark.__table__).values(name=MARK, at=now)
        session.execute(insert.on_conflict_do_update(
            index_elements=["name"], set_={"at": insert.excluded.at},
            where=SchedulerMark.at < insert.excluded.at))


def plan_runs(tenants: Iterable[Tenant], start: datetime, now: datetime, owners: Overrides,
              written: datetime) -> Iterator[Planned]:
    """A row for every slot of every task in (start, now], created_at `written`."""
    slots_of: dict[tuple[str, str], tuple[datetime, ...]] = {}  # (cadence, zone) -> slots
    for tenant in tenants:
        people, zone = {person.id: person for person in tenant.people}, tenant.zone
        for task in tenant.tasks:
            key = (task.cadence, tenant.timezone)
            if (slots := slots_of.get(key)) is None:
                slots = slots_of[key] = slots_between(*key, start, now)
            if not slots:
                continue
            assignee = owner_of(tenant, task, owners)
            person = people.get(assignee)
            for slot in slots:
                row = run_row(tenant.tenant, zone, task, slot, now, assignee, person, written)
                yield Planned(row, tenant, task, person)


def slots_between(cadence: str, timezone: str, start: datetime, end: datetime) -> tuple[datetime, ...]:
    """A cadence's slots in (start, end]. plan_runs asks once per cadence and zone, since
    many tasks share them ("0 9 * * *" in New York)."""
    return tuple(parse_cadence(cadence).slots_between(start, end, ZoneInfo(timezone)))


def run_row(tenant: str, zone: ZoneInfo, task: Task, slot: datetime, now: datetime, assignee: str,
            person: Person | None, written: datetime) -> dict[str, Any]:
    due_at = slot + task.due
    stale = due_at <= now  # created after its window: recorded, never texted
    remind_at = None if stale else remind_time(person, slot, zone)
    return {"tenant": tenant, "task": task.id, "title": task.title, "slot": slot,
            "due_at": due_at, "state": "missed" if stale else "open", "assignee": assignee,
            "escalation_level": 0, "chain": None, "flags": ["stale"] if stale else [],
            "remind_at": remind_at, "reminded_at": now if remind_at and remind_at <= now else None,
            "created_at": written}


def create_in_batches(db: Database, planned: Iterable[Planned], now: datetime) -> RunCounts:
    """create_runs, BATCH runs a transaction."""
    counts = RunCounts()
    with gc_paused():
        for batch in batches(planned, BATCH):
            with db.session(bulk=True) as session:
                counts += create_runs(session, batch, now)
    return counts


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a pass builds and drops its rows: they hold no
    cycles (reference counting frees them), but the many allocations would set off full
    collections that walk every object in the process, all tenants' configs included.
    (A firing tick of 100,000 runs spends about a quarter of its Python time there.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def create_runs(session: Session, batch: Sequence[Planned], now: datetime) -> RunCounts:
    """Insert the runs that are not there yet; text the ones this insert created."""
    created = set(insert_rows(session, Run.__table__, [p.row for p in batch],
                              skip_conflicts_on=RUN_KEY, returning=RUN_KEY))
    mine = [p for p in batch if p.key in created]
    texts = [reminder(p.tenant, p.task, p.person, p.row) for p in mine if p.row["reminded_at"] is not None]
    counts = reminder_counts(queue_messages(session, [t for t in texts if t is not None], now))
    stale = sum(1 for p in mine if p.row["state"] == "missed")
    return counts + RunCounts(created=len(mine), stale=stale)


def send_deferred_reminders(runtime: Runtime, now: datetime) -> RunCounts:
    """Queue the reminders held back by quiet hours whose time has come (not those of
    runs already past due: escalation has those)."""
    due = (Run.state == "open", Run.reminded_at.is_(None), Run.remind_at <= now, Run.due_at > now)
    with runtime.db.sessionmaker() as session:
        if session.scalar(select(Run.id).where(*due).limit(1)) is None:
            return RunCounts()  # the usual case: no write transaction at all
    with runtime.db.session() as session:
        claimed = session.execute(
            update(Run).where(*due).values(reminded_at=now)
            .returning(Run.tenant, Run.task, Run.slot, Run.due_at, Run.assignee)
            .execution_options(synchronize_session=False)).all()
        texts = [deferred_reminder(runtime.tenants, run._asdict()) for run in claimed]
        return reminder_counts(queue_messages(session, [t for t in texts if t is not None], now))


def deferred_reminder(tenants: TenantDirectory, run: dict[str, Any]) -> Text | None:
    tenant = tenants.get(run["tenant"])
    if tenant is None:
        return None
    return reminder(tenant, tenant.task(run["task"]), tenant.person(run["assignee"]), run)


def reminder(tenant: Tenant, task: Task | None, person: Person | None, run: dict[str, Any]) -> Text | None:
    """The text that tells the assignee a run is due."""
    if task is None or person is None:  # removed from the config since the run began
        return None
    body = reminder_text(task, run["due_at"], run["slot"], tenant.zone)
    return Text(tenant.tenant, person.phone, tenant.numbers[0], body, "reminder")


def reminder_counts(queued: Sequence[Queued]) -> RunCounts:
    held = sum(1 for q in queued if q.status == MessageStatus.HELD)
    return RunCounts(reminded=len(queued), held=held)


def batches(items: Iterable[Planned], size: int) -> Iterator[list[Planned]]:
    batch: list[Planned] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

"""Runs: each task's slots become rows exactly once, and each run's reminder goes once.

One pass (`schedule_runs`) at the clock `now`:

1. The window is (mark, now], where the mark is how far the last pass looked (the
   `scheduler_marks` row, kept in the database so every process shares it). The first
   pass ever looks at the current minute only; after downtime the window reaches back
   at most MAX_CATCH_UP, so slots older than that are never created.
2. Every slot of every task in the window is inserted as a run, per tenant in one
   statement with ON CONFLICT DO NOTHING on (tenant, task, slot) and RETURNING, so
   two passes at once (two processes) create each run once, and only the pass whose
   insert created a row queues its reminder, in the same transaction.
3. A run created after its due time (the slot was missed while the scheduler was
   down) is created `missed` with the flag `stale` and is never texted: after hours
   of downtime the assignee gets no pile of old reminders, only the runs still within
   their due window are texted.
4. A run whose assignee was in quiet hours at the slot keeps `remind_at` = the end of
   their quiet hours; the first pass at or after it claims the run (`reminded_at`,
   set by a conditional UPDATE, so two passes claim it once) and queues the text.
5. The mark moves to `now` (never backwards) after all of the above committed; a pass
   that fails half way leaves it, and the next pass redoes the window harmlessly.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.schema import Task, Tenant
from confirmations.outbox import OPTED_OUT_CODE, PENDING_KEY
from recurring.cadence import parse_cadence
from recurring.owners import Overrides, load_overrides, owner_of
from recurring.reminders import reminder_text, remind_time
from runtime import Runtime
from store.db import Database, utcnow
from store.models import Direction, Message, MessageStatus, OptOut, Run, SchedulerMark

MARK = "tick"
FIRST_WINDOW = timedelta(minutes=1)  # the first pass ever: the current minute only
MAX_CATCH_UP = timedelta(days=7)  # after longer downtime, older slots are not created
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class RunCounts:
    created: int = 0
    reminded: int = 0
    stale: int = 0

    def __add__(self, other: RunCounts) -> RunCounts:
        return RunCounts(self.created + other.created, self.reminded + other.reminded,
                         self.stale + other.stale)


def schedule_runs(runtime: Runtime, now: datetime) -> RunCounts:
    """Create the runs due in (mark, now], queue their reminders and the deferred ones."""
    start = window_start(runtime.db, now)
    with runtime.db.sessionmaker() as session:
        owners = load_overrides(session)  # owners changed by text: one query a pass
    counts = RunCounts()
    for tenant in runtime.tenants:
        rows = plan_runs(tenant, start, now, owners)
        if rows:
            with runtime.db.session() as session:
                counts += create_runs(session, tenant, rows, now)
    counts += RunCounts(reminded=send_deferred_reminders(runtime, now))
    advance_mark(runtime.db, now)
    return counts


def window_start(db: Database, now: datetime) -> datetime:
    with db.sessionmaker() as session:
        mark = session.get(SchedulerMark, MARK)
    if mark is None:
        return now - FIRST_WINDOW
    return max(mark.at, now - MAX_CATCH_UP)


def advance_mark(db: Database, now: datetime) -> None:
    with db.session() as session:
        insert = _insert(session, SchedulerMark).values(name=MARK, at=now)
        session.execute(insert.on_conflict_do_update(
            index_elements=["name"], set_={"at": insert.excluded.at},
            where=SchedulerMark.at < insert.excluded.at))


def plan_runs(tenant: Tenant, start: datetime, now: datetime, owners: Overrides) -> list[dict[str, Any]]:
    """A row for every slot of the tenant's tasks in (start, now]."""
    return [run_row(tenant, task, slot, now, owner_of(tenant, task, owners))
            for task in tenant.tasks
            for slot in slots_between(task.cadence, tenant.timezone, start, now)]


@lru_cache(maxsize=4096)
def slots_between(cadence: str, timezone: str, start: datetime, end: datetime) -> tuple[datetime, ...]:
    """A cadence's slots in (start, end]; cached, since many tasks share a cadence and a
    zone ("0 9 * * *" in New York) and a pass asks the same window for all of them."""
    return tuple(parse_cadence(cadence).slots_between(start, end, ZoneInfo(timezone)))


def run_row(tenant: Tenant, task: Task, slot: datetime, now: datetime, assignee: str) -> dict[str, Any]:
    due_at = slot + task.due
    row = {"tenant": tenant.tenant, "task": task.id, "title": task.title, "slot": slot,
           "due_at": due_at, "state": "open", "assignee": assignee, "escalation_level": 0,
           "chain": None, "flags": [], "remind_at": None, "reminded_at": None,
           "created_at": utcnow()}
    if due_at <= now:  # created after its window: recorded, never texted
        return row | {"state": "missed", "flags": ["stale"]}
    remind_at = remind_time(tenant.person(assignee), slot, tenant.zone)
    return row | {"remind_at": remind_at, "reminded_at": now if remind_at <= now else None}


def create_runs(session: Session, tenant: Tenant, rows: list[dict[str, Any]],
                now: datetime) -> RunCounts:
    """Insert the rows that are not there yet; text the ones this insert created."""
    insert = _insert(session, Run.__table__).on_conflict_do_nothing(
        index_elements=["tenant", "task", "slot"]).returning(Run.id, Run.task, Run.slot)
    # Core executemany: SQLAlchemy sends it as multi-row INSERTs ("insertmanyvalues"),
    # compiled once and cached, with RETURNING giving only the rows this insert created.
    created = session.connection().execute(insert, rows).all()
    by_key = {(row["task"], row["slot"]): row for row in rows}
    mine = [by_key[(task, slot)] for _, task, slot in created]
    to_text = [row for row in mine if row["reminded_at"] is not None]
    queue_reminders(session, tenant, to_text)
    stale = sum(1 for row in mine if "stale" in row["flags"])
    return RunCounts(created=len(mine), reminded=len(to_text), stale=stale)


def send_deferred_reminders(runtime: Runtime, now: datetime) -> int:
    """Queue the reminders held back by quiet hours whose time has come."""
    due = (Run.state == "open", Run.reminded_at.is_(None), Run.remind_at <= now)
    with runtime.db.sessionmaker() as session:
        if session.scalar(select(Run.id).where(*due).limit(1)) is None:
            return 0  # the usual case: no write transaction at all
    sent = 0
    with runtime.db.session() as session:
        claimed = session.execute(
            update(Run).where(*due).values(reminded_at=now)
            .returning(Run.tenant, Run.task, Run.slot, Run.due_at, Run.assignee)
            .execution_options(synchronize_session=False)).all()
        by_tenant = defaultdict(list)
        for run in claimed:
            by_tenant[run.tenant].append(run._asdict())
        for tenant_id, rows in by_tenant.items():
            tenant = runtime.tenants.get(tenant_id)
            if tenant is not None:
                sent += queue_reminders(session, tenant, rows)
    return sent


def queue_reminders(session: Session, tenant: Tenant, rows: list[dict[str, Any]]) -> int:
    """Write the reminder texts of these runs to the outbox, in the caller's transaction.

    The outbox's queue_message, in bulk: one SELECT of the tenant's opt-outs and one
    INSERT per batch instead of two statements a text, which a firing tick needs."""
    messages = [m for m in (reminder_message(tenant, row) for row in rows) if m is not None]
    if not messages:
        return 0
    opted_out = set(session.scalars(select(OptOut.phone).where(OptOut.tenant == tenant.tenant)))
    for message in messages:
        if message["to_phone"] in opted_out:
            message.update(status=MessageStatus.FAILED, error_code=OPTED_OUT_CODE,
                           error="recipient opted out")
    insert = _insert(session, Message.__table__).returning(Message.id, Message.status)
    rows = session.connection().execute(insert, messages).all()
    session.info.setdefault(PENDING_KEY, []).extend(
        mid for mid, status in rows if status == MessageStatus.QUEUED)
    return len(messages)


def reminder_message(tenant: Tenant, row: dict[str, Any]) -> dict[str, Any] | None:
    task, person = tenant.task(row["task"]), tenant.person(row["assignee"])
    if task is None or person is None:  # removed from the config since the run began
        return None
    now = utcnow()
    return {"tenant": tenant.tenant, "direction": Direction.OUT, "to_phone": person.phone,
            "from_phone": tenant.numbers[0], "purpose": "reminder", "media": [],
            "body": reminder_text(task, row["due_at"], row["slot"], tenant.zone),
            "status": MessageStatus.QUEUED, "error_code": None, "error": None, "attempts": 0,
            "interaction_id": None, "created_at": now, "updated_at": now}


def _insert(session: Session, model: type):
    return _INSERTS[session.get_bind().dialect.name](model)

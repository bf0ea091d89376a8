"""Patterns: the ways recurring work keeps failing, read from a task's or a person's runs.

A run went wrong when it was missed, late, or handed to the backup; a `stale` run,
created after scheduler downtime, is nobody's fault. The rules, most specific first:

    weekday   the task's last 3 misses fell on the same weekday, in the tenant's zone
              (only for tasks that run on more than one weekday)
    repeated  the task went wrong in 3 or more of its last 7 runs
    person    one person is behind 3 or more misses of 2 or more tasks in 14 days

Runs of the last answered finding of the same task or person are not counted again, so
answering a finding starts the count afresh. Each rule is one or two small queries.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.schema import Tenant
from recurring.cadence import parse_cadence
from store.models import Finding, Run

WINDOW = 7  # the repeated rule looks at a task's last 7 runs
REPEATED = 3  # ... of which this many went wrong
SAME_DAY = 3  # the weekday rule: this many last misses on one weekday
SAME_DAY_SPAN = timedelta(weeks=6)  # ... within this long
PERSON_SPAN = timedelta(days=14)
PERSON_MISSES, PERSON_TASKS = 3, 2
WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


@dataclass(frozen=True)
class Pattern:
    kind: str  # weekday | repeated | person
    key: str  # the finding's open_key
    summary: str
    runs: tuple[int, ...]
    task: str | None = None
    person: str | None = None


def went_wrong(run: Run) -> bool:
    flags = run.flags or []
    if "stale" in flags:
        return False
    return run.state in ("missed", "late") or "handed_to_backup" in flags


def missed(run: Run) -> bool:
    return run.state == "missed" and "stale" not in (run.flags or [])


def patterns_of(session: Session, tenant: Tenant, run: Run) -> Iterator[Pattern]:
    """The patterns this run completes, most specific first (lazily: each costs a query)."""
    rules = (weekday_pattern, repeated_pattern, person_pattern) if missed(run) else (repeated_pattern,)
    for rule in rules:
        pattern = rule(session, tenant, run)
        if pattern is not None:
            yield pattern


def repeated_pattern(session: Session, tenant: Tenant, run: Run) -> Pattern | None:
    query = (select(Run).where(Run.tenant == run.tenant, Run.task == run.task, Run.slot <= run.slot)
             .order_by(Run.slot.desc()).limit(WINDOW))
    window = list(session.scalars(query))
    failed = [r for r in window if went_wrong(r)]
    if len(failed) >= REPEATED:
        failed = unreported(session, run.tenant, failed, task=run.task)
    if len(failed) < REPEATED:
        return None
    title = task_title(tenant, run)
    summary = f"{title} went wrong in {len(failed)} of its last {len(window)} runs: {what_went_wrong(failed)}."
    return Pattern("repeated", f"task:{run.task}", summary, ids_of(failed), task=run.task)


def weekday_pattern(session: Session, tenant: Tenant, run: Run) -> Pattern | None:
    task = tenant.task(run.task)
    if task is None or len(cadence_weekdays(task.cadence, tenant.timezone)) < 2:
        return None  # a task that only runs on Mondays misses on Mondays: no news
    query = (select(Run).where(Run.tenant == run.tenant, Run.task == run.task, Run.state == "missed",
                               Run.slot <= run.slot, Run.slot > run.slot - SAME_DAY_SPAN)
             .order_by(Run.slot.desc()).limit(SAME_DAY * 3))
    misses = [r for r in session.scalars(query) if missed(r)]
    if len(misses) >= SAME_DAY:
        misses = unreported(session, run.tenant, misses, task=run.task)[:SAME_DAY]
    days = {weekday(r, tenant.zone) for r in misses}
    if len(misses) < SAME_DAY or len(days) != 1:
        return None
    summary = f"{task.title} was missed the last {len(misses)} {WEEKDAYS[days.pop()]}."
    return Pattern("weekday", f"task:{run.task}", summary, ids_of(misses), task=run.task)


def person_pattern(session: Session, tenant: Tenant, run: Run) -> Pattern | None:
    query = (select(Run).where(Run.tenant == run.tenant, Run.assignee == run.assignee, Run.state == "missed",
                               Run.slot <= run.slot, Run.slot > run.slot - PERSON_SPAN)
             .order_by(Run.slot.desc()))
    misses = [r for r in session.scalars(query) if missed(r)]
    if len(misses) >= PERSON_MISSES:
        misses = unreported(session, run.tenant, misses, person=run.assignee)
    tasks = Counter(r.task for r in misses)
    if len(misses) < PERSON_MISSES or len(tasks) < PERSON_TASKS:
        return None
    who, titles = name_of(tenant, run.assignee), {r.task: task_title(tenant, r) for r in misses}
    listed = ", ".join(f"{titles[task]} x{n}" for task, n in tasks.most_common())
    summary = f"{who} missed {len(misses)} runs of {len(tasks)} tasks in 14 days: {listed}."
    return Pattern("person", f"person:{run.assignee}", summary, ids_of(misses), person=run.assignee)


def unreported(session: Session, tenant: str, runs: list[Run], *, task: str | None = None,
               person: str | None = None) -> list[Run]:
    """The runs not already part of the last answered finding of this task or person."""
    scope = Finding.task == task if task is not None else Finding.person == person
    query = (select(Finding.runs).where(Finding.tenant == tenant, scope, Finding.state != "open")
             .order_by(Finding.created_at.desc(), Finding.id.desc()).limit(1))
    reported = set(session.scalar(query) or ())
    return [r for r in runs if r.id not in reported]


@lru_cache(maxsize=1024)
def cadence_weekdays(cadence: str, timezone: str) -> frozenset[int]:
    """The local weekdays a cadence fires on, from two sample weeks."""
    zone = ZoneInfo(timezone)
    start = datetime(2026, 1, 5, tzinfo=zone)  # a Monday
    slots = parse_cadence(cadence).slots_between(start, start + timedelta(weeks=2), zone)
    return frozenset(slot.astimezone(zone).weekday() for slot in slots)


def weekday(run: Run, zone: ZoneInfo) -> int:
    return run.slot.astimezone(zone).weekday()


def what_went_wrong(runs: list[Run]) -> str:
    counts = Counter("handed to the backup" if r.state not in ("missed", "late") else r.state for r in runs)
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items(), key=lambda c: (-c[1], c[0])))


def ids_of(runs: list[Run]) -> tuple[int, ...]:
    return tuple(r.id for r in sorted(runs, key=lambda r: (r.slot, r.id)))


def task_title(tenant: Tenant, run: Run) -> str:
    task = tenant.task(run.task)
    return task.title if task else run.title


def name_of(tenant: Tenant, person_id: str) -> str:
    person = tenant.person(person_id)
    return person.name if person else person_id

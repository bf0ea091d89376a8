"""Findings: recurring work that keeps failing, raised once and told to the owner once.

Every place a run closes (done, late, missed, excused, handed to the backup) calls
`review_closed_run`. A run that went wrong (missed, late, or handed to the backup; a
`stale` run, created after downtime, is nobody's fault) is checked against the
patterns, most specific first:

    weekday   the task's last 3 misses fell on the same weekday, in the tenant's zone
              (only for tasks that run on more than one weekday)
    repeated  the task went wrong in 3 or more of its last 7 runs
    person    one person is behind 3 or more misses of 2 or more tasks in 14 days

A pattern becomes one Finding row and one text to the owner. Its `open_key`
("task:cooler", "person:sam") is unique per tenant while the finding is open, and the
row is inserted with ON CONFLICT DO NOTHING: two processes raise it once, and a
further failure while it is open only joins its run ids. Runs of the last answered
finding of the same task or person are not counted again, so answering a finding
starts the count afresh. A closed run raises at most one new finding.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.schema import Person, Tenant
from confirmations.outbox import queue_message
from recurring.cadence import parse_cadence
from recurring.codes import assign_code, lock_codes, release_codes
from store.models import Finding, Run

WINDOW = 7  # the repeated rule looks at a task's last 7 runs
REPEATED = 3  # ... of which this many went wrong
SAME_DAY = 3  # the weekday rule: this many last misses on one weekday
SAME_DAY_SPAN = timedelta(weeks=6)  # ... within this long
PERSON_SPAN = timedelta(days=14)
PERSON_MISSES, PERSON_TASKS = 3, 2
WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
MAX_TEXT = 320


@dataclass(frozen=True)
class Pattern:
    kind: str  # weekday | repeated | person
    key: str  # the finding's open_key
    summary: str
    runs: tuple[int, ...]
    task: str | None = None
    person: str | None = None


def review_closed_run(session: Session, tenant: Tenant, run: Run, now: datetime) -> Finding | None:
    """Raise the first new finding this run is part of, and text the owner; the caller commits."""
    if not went_wrong(run):
        return None
    for pattern in patterns_of(session, tenant, run):
        finding = raise_finding(session, tenant, pattern, now)
        if finding is not None:
            return finding
    return None


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


# -- the rules ---------------------------------------------------------------------------

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


# -- raising and answering ---------------------------------------------------------------

def raise_finding(session: Session, tenant: Tenant, pattern: Pattern, now: datetime) -> Finding | None:
    """Insert the finding unless one is open for the same key; text the owners when new."""
    # The codes lock first, as every other writer of codes takes it: a process that waits
    # on our uncommitted finding must not hold the lock our owner text's code needs.
    lock_codes(session, {tenant.tenant})
    values = {"tenant": tenant.tenant, "task": pattern.task, "person": pattern.person, "kind": pattern.kind,
              "summary": pattern.summary, "runs": list(pattern.runs), "state": "open",
              "open_key": pattern.key, "created_at": now}
    insert = (_insert(session)(Finding).values(**values)
              .on_conflict_do_nothing(index_elements=["tenant", "open_key"]).returning(Finding.id))
    finding_id = session.execute(insert).scalar()
    if finding_id is None:
        join_open_finding(session, tenant.tenant, pattern)
        return None
    finding = session.get(Finding, finding_id)
    for owner in owners_of(tenant):
        tell_owner(session, tenant, owner, finding, now)
    return finding


def join_open_finding(session: Session, tenant: str, pattern: Pattern) -> None:
    """A further failure of an open pattern: its runs join the finding, nobody is texted."""
    query = select(Finding).where(Finding.tenant == tenant, Finding.open_key == pattern.key).with_for_update()
    finding = session.scalar(query)
    if finding is not None and not set(pattern.runs) <= set(finding.runs):
        finding.runs = sorted(set(finding.runs) | set(pattern.runs))


def tell_owner(session: Session, tenant: Tenant, owner: Person, finding: Finding, now: datetime) -> None:
    code = assign_code(session, tenant.tenant, owner.id, "finding", finding.id, now)
    body = finding_text(finding, code)
    queue_message(session, tenant=tenant.tenant, to=owner.phone, from_=tenant.numbers[0], body=body,
                  purpose="finding")


def finding_text(finding: Finding, code: int) -> str:
    answers = f"Reply {code}A if you've got it"
    if finding.task is not None:
        answers += f", or {code}O and a name to give the task to someone else"
    ending = f" {answers}."
    return "Pattern: " + shorten(finding.summary, MAX_TEXT - len("Pattern: ") - len(ending)) + ending


def shorten(text: str, room: int) -> str:
    """At most `room` characters; cut with "..." (GSM-7: an ellipsis character would make
    the whole text UCS-2, at 70 characters a segment)."""
    return text if len(text) <= room else text[:room - 3].rstrip(" ,:;") + "..."


def owners_of(tenant: Tenant) -> list[Person]:
    return [p for p in tenant.people if p.role == "owner"]


def open_findings(session: Session, tenant: str) -> list[Finding]:
    query = select(Finding).where(Finding.tenant == tenant, Finding.state == "open")
    return list(session.scalars(query.order_by(Finding.created_at.desc(), Finding.id.desc())))


def open_finding(session: Session, tenant: str, finding_id: int) -> Finding | None:
    query = select(Finding).where(Finding.id == finding_id, Finding.tenant == tenant, Finding.state == "open")
    return session.scalar(query.with_for_update())


def close_finding(session: Session, tenant: Tenant, finding: Finding, state: str, by: str, now: datetime,
                  new_owner: str | None = None) -> Finding:
    """Answered: acknowledged, or its task reassigned. The pattern may be raised again."""
    finding.state, finding.open_key = state, None
    finding.acknowledged_by, finding.acknowledged_at, finding.new_owner = by, now, new_owner
    release_codes(session, tenant.tenant, "finding", finding.id, outcome=state, by=by, now=now)
    return finding


def _insert(session: Session):
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]

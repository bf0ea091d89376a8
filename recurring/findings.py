"""Findings: recurring work that keeps failing, raised once and told to the owner once.

Every place a run closes (done, late, missed, excused, handed to the backup) calls
`review_closed_run`. A run that went wrong is checked against the patterns
(recurring/patterns.py), most specific first, and a closed run raises at most one new
finding.

A pattern becomes one Finding row and one text to the owner. Its `open_key`
("task:cooler", "person:sam") is unique per tenant while the finding is open, and the
row is inserted with ON CONFLICT DO NOTHING: two processes raise it once, and a
further failure while it is open only joins its run ids. Answering it (acknowledged,
or its task given to someone else) clears the key, so the pattern can be raised anew.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.schema import Person, Tenant
from confirmations.length import shorten
from confirmations.outbox import queue_message
from recurring.codes import assign_code, lock_codes, release_codes
from recurring.patterns import Pattern, patterns_of, went_wrong
from store.models import Finding, Run

MAX_TEXT = 320


def review_closed_run(session: Session, tenant: Tenant, run: Run, now: datetime) -> Finding | None:
    """Raise the first new finding this run is part of, and text the owner; the caller commits."""
    if not went_wrong(run):
        return None
    for pattern in patterns_of(session, tenant, run):
        finding = raise_finding(session, tenant, pattern, now)
        if finding is not None:
            return finding
    return None


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

"""The owner's weekly digest: one text on the tenant's `digest: {day, time}`, local time.

Each pass of the scheduler tick asks, per tenant, for the latest digest time at or
before now. A digest is sent once per tenant and week: a DigestSent row unique on
(tenant, week) is inserted with ON CONFLICT DO NOTHING, and only the pass whose insert
created it queues the text, in the same transaction, so two ticks at once send one.
A digest more than a day overdue (the scheduler was down) is skipped, not sent late:
the next one comes the following week.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.schema import DAYS, Tenant
from confirmations.length import shorten
from confirmations.outbox import queue_message
from recurring.findings import MAX_TEXT, owners_of
from runtime import Runtime
from store.models import DigestSent, Finding, Run

GRACE = timedelta(days=1)  # later than this after its time, a digest is skipped
WEEK = timedelta(days=7)


def send_digests(runtime: Runtime, now: datetime) -> int:
    """Send the digests due at `now` that have not gone out; the number sent."""
    due = {t.tenant: week for t in runtime.tenants if (week := due_week(t, now)) is not None}
    if not due:
        return 0
    with runtime.db.sessionmaker() as session:  # the usual case ends here, without a write
        done = {(tenant, week) for tenant, week in session.execute(select(DigestSent.tenant, DigestSent.week)
                .where(tuple_(DigestSent.tenant, DigestSent.week).in_(list(due.items()))))}
    sent = 0
    for tenant_id, week in due.items():
        if (tenant_id, week) not in done:
            with runtime.db.session() as session:
                sent += send_digest(session, runtime.tenants.get(tenant_id), week, now)
    return sent


def due_week(tenant: Tenant, now: datetime) -> date | None:
    """The local day of the latest digest time at or before now, unless over GRACE ago."""
    local = now.astimezone(tenant.zone)
    day = local.date() - timedelta(days=(local.weekday() - DAYS.index(tenant.digest.day)) % 7)
    if digest_time(tenant, day) > now:
        day -= WEEK
    return day if now - digest_time(tenant, day) <= GRACE else None


def digest_time(tenant: Tenant, day: date) -> datetime:
    return datetime.combine(day, tenant.digest.time, tenant.zone)


def send_digest(session: Session, tenant: Tenant, week: date, now: datetime) -> int:
    """Claim the week's digest and queue its text to the owners; 0 when already claimed."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
    claimed = session.execute(insert(DigestSent).values(tenant=tenant.tenant, week=week, sent_at=now)
                              .on_conflict_do_nothing(index_elements=["tenant", "week"])
                              .returning(DigestSent.id)).scalar()
    if claimed is None:
        return 0
    body = digest_text(session, tenant, digest_time(tenant, week))
    for owner in owners_of(tenant):
        queue_message(session, tenant=tenant.tenant, to=owner.phone, from_=tenant.numbers[0], body=body,
                      purpose="digest")
    return 1


def digest_text(session: Session, tenant: Tenant, until: datetime) -> str:
    """On-time rate, late and missed runs and open findings over the 7 days before `until`."""
    query = select(Run.task, Run.state, Run.flags).where(
        Run.tenant == tenant.tenant, Run.slot >= until - WEEK, Run.slot < until,
        Run.state.in_(("done", "late", "missed")))
    states, missed = Counter(), Counter()
    for task, state, flags in session.execute(query):
        if "stale" not in (flags or []):  # created after downtime: nobody's miss
            states[state] += 1
            missed[task] += state == "missed"
    findings = session.scalar(select(func.count(Finding.id)).where(
        Finding.tenant == tenant.tenant, Finding.state == "open"))
    parts = (week_line(states), missed_line(tenant, missed), findings_line(findings))
    return shorten(" ".join(part for part in parts if part), MAX_TEXT)


def week_line(states: Counter) -> str:
    total = sum(states.values())
    if not total:
        return "Your week: no runs were due."
    rate = round(100 * states["done"] / total)
    return f"Your week: {states['done']} of {total} runs on time ({rate}%), {states['late']} late, " \
           f"{states['missed']} missed."


def missed_line(tenant: Tenant, missed: Counter) -> str:
    worst = sorted((-n, title_of(tenant, task)) for task, n in missed.items() if n)[:2]
    if not worst:
        return ""
    return "Most missed: " + ", ".join(f"{title} ({-n})" for n, title in worst) + "."


def findings_line(count: int) -> str:
    if not count:
        return "No open findings. Text TODAY any time for what's open now."
    return f"{count} open finding{'s' if count > 1 else ''}: text FINDINGS to see {'them' if count > 1 else 'it'}."


def title_of(tenant: Tenant, task_id: str) -> str:
    task = tenant.task(task_id)
    return task.title if task else task_id

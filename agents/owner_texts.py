"""The owner's texts: TODAY (what is open now, most urgent first) and FINDINGS, one text each."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.schema import Tenant
from confirmations.length import shorten
from recurring.findings import MAX_TEXT
from store.models import Finding, Run

LISTED_FINDINGS = 3


def today_text(session: Session, tenant: Tenant, now: datetime) -> str:
    """Open runs, most urgent first (escalated, then overdue, then due soonest), and today's count."""
    query = select(Run).where(Run.tenant == tenant.tenant, Run.state == "open", Run.slot <= now)
    runs = sorted(session.scalars(query), key=lambda r: (-r.escalation_level, r.due_at, r.id))
    late = [r for r in runs if r.due_at < now]
    escalated = [r for r in runs if r.escalation_level > 0]
    head = (f"Right now: {len(runs)} open, {len(late)} late, {len(escalated)} escalated."
            if runs else "Right now: nothing is open.")
    tail = " " + today_counts(session, tenant, now)
    return head + fit_lines([run_line(tenant, r, now) for r in runs], MAX_TEXT - len(head) - len(tail)) + tail


def run_line(tenant: Tenant, run: Run, now: datetime) -> str:
    person = tenant.person(run.assignee)
    who = person.name.split()[0] if person else run.assignee
    if run.due_at >= now:
        when = f"due {clock(run.due_at, tenant)}"
    else:
        when = f"{duration(now - run.due_at)} late" + (", escalated" if run.escalation_level else "")
    return f"{run.title} ({who}) {when}"


def fit_lines(lines: list[str], room: int) -> str:
    """ " a; b; c." with as many lines as fit in `room` characters, then " +N more." """
    text = ""
    for i, line in enumerate(lines):
        left = len(lines) - i
        reserve = len(f" +{left - 1} more.") if left > 1 else 0
        if not text:
            line = shorten(line, room - reserve - 2)
        candidate = f"{text} {line}{';' if left > 1 else '.'}"
        if len(candidate) + reserve > room:
            return text + f" +{left} more."
        text = candidate
    return text


def today_counts(session: Session, tenant: Tenant, now: datetime) -> str:
    midnight = datetime.combine(now.astimezone(tenant.zone).date(), time(0), tenant.zone)
    query = (select(Run.state, func.count(Run.id)).where(Run.tenant == tenant.tenant, Run.slot >= midnight,
                                                         Run.slot <= now).group_by(Run.state))
    counts = {state: n for state, n in session.execute(query)}
    done = counts.get("done", 0) + counts.get("late", 0)
    findings = session.scalar(select(func.count(Finding.id)).where(Finding.tenant == tenant.tenant,
                                                                   Finding.state == "open"))
    text = f"Today: {done} done, {counts.get('missed', 0)} missed."
    return text + (f" {findings} open finding{'s' if findings > 1 else ''}: text FINDINGS." if findings else "")


def findings_text(findings: list[Finding], codes: list[int]) -> str:
    if not findings:
        return "No open findings. Text TODAY for what's open now."
    shown = list(zip(findings, codes))[:LISTED_FINDINGS]
    more = f" +{len(findings) - len(shown)} more." if len(findings) > len(shown) else ""
    finding, first = shown[0]
    answers = f" Reply {first}A if you've got it" + (
        f", or {first}O and a name to give its task to someone else." if finding.task else ".")
    head = f"Open findings ({len(findings)}):"
    room = (MAX_TEXT - len(head) - len(more) - len(answers)) // len(shown) - 6
    body = "".join(f" {code}: {shorten(f.summary, room)}" for f, code in shown)
    return head + body + more + answers


def clock(moment: datetime, tenant: Tenant) -> str:
    return moment.astimezone(tenant.zone).strftime("%I:%M %p").lstrip("0")


def duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h" if minutes < 24 * 60 else f"{minutes // (24 * 60)}d"

"""Today: the tenant's runs of the local day, by state, and a run's own page."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from console import clock, console
from console.access import SignedIn, signed, tenant_row_or_404
from runtime import current_runtime
from store.models import Run

STATES = ("open", "late", "done", "missed", "excused")


@console.get("/")
def today():
    who = signed()
    with current_runtime().db.session() as session:
        runs = runs_of_day(session, who, clock.now())
    by_state = {state: [run for run in runs if run.state == state] for state in STATES}
    return render_template("console/today.html", by_state=by_state, zone=who.tenant.zone)


@console.get("/runs/<int:run_id>")
def run_page(run_id: int):
    who = signed()
    with current_runtime().db.session() as session:
        run = tenant_row_or_404(session, Run, run_id)
        if not who.decides and run.assignee != who.person.id:
            abort(404)
    return render_template("console/run.html", run=run, zone=who.tenant.zone)


def day_bounds(who: SignedIn, now: datetime) -> tuple[datetime, datetime]:
    """The tenant's local day around `now`, as aware datetimes."""
    local = now.astimezone(who.tenant.zone).date()
    start = datetime.combine(local, time(), who.tenant.zone)
    return start, datetime.combine(local + timedelta(days=1), time(), who.tenant.zone)


def runs_of_day(session: Session, who: SignedIn, now: datetime) -> list[Run]:
    start, end = day_bounds(who, now)
    query = (select(Run).where(Run.tenant == who.tenant_id, Run.slot >= start, Run.slot < end)
             .order_by(Run.due_at, Run.id))
    if not who.decides:
        query = query.where(Run.assignee == who.person.id)
    return list(session.scalars(query))

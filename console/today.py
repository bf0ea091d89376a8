"""Today: the tenant's runs of the local day by state, with who, when, the proof and the
flags; open escalations with their decisions; open findings. The list is a fragment an
open page polls (htmx, every second): unchanged, it answers 204 and nothing moves."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import abort, render_template, request
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console import clock, console
from console.access import SignedIn, signed, tenant_row_or_404
from console.timeline import timeline_of
from recurring.findings import open_findings
from recurring.proof import proof_kind
from runtime import current_runtime
from store.models import Escalation, Finding, Proof, Run

STATES = ("open", "late", "done", "missed", "excused")


@dataclass(frozen=True)
class RunView:
    run: Run
    proof: Proof | None
    escalation: Escalation | None  # the latest step, for an open run that escalated

    @property
    def seen(self) -> str:
        """The step as the page shows it (console/decisions.py compares it when deciding)."""
        step = self.escalation
        return f"{step.level}:{step.answer or ''}" if step else "0:"


@dataclass(frozen=True)
class Today:
    by_state: dict[str, list[RunView]]
    findings: list[Finding]

    @property
    def escalated(self) -> list[RunView]:
        return [view for view in self.by_state["open"] if view.escalation is not None]


@console.get("/")
def today():
    return render_template("console/today.html", **page_of_today(signed()))


@console.get("/today/live")
def today_live():
    """The Today fragment, or 204 when it is the one the page already shows."""
    fields = page_of_today(signed())
    if fields["version"] == request.args.get("version"):
        return "", 204
    return render_template("console/_today_live.html", **fields)


def page_of_today(who: SignedIn) -> dict:
    with current_runtime().db.session() as session:
        found = today_of(session, who, clock.now())
    fields = {"day": found, "who": who, "zone": who.tenant.zone, "proof_kind": proof_kind_of(who),
              "names": {p.id: p.name for p in who.tenant.people}}
    runs_html = Markup(render_template("console/_today_runs.html", **fields))
    return {**fields, "runs_html": runs_html, "version": version_of(runs_html)}


def version_of(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()[:16]


def proof_kind_of(who: SignedIn):
    def kind(task_id: str) -> str:
        task = who.tenant.task(task_id)
        return proof_kind(task) if task else "none"

    return kind


def today_of(session: Session, who: SignedIn, now: datetime) -> Today:
    runs = runs_of_day(session, who, now)
    ids = [run.id for run in runs]
    proofs = newest_proofs(session, ids)
    steps = latest_steps(session, [run.id for run in runs if run.state == "open" and run.escalation_level])
    by_state = {state: [] for state in STATES}
    for run in runs:
        by_state.setdefault(run.state, []).append(RunView(run, proofs.get(run.id), steps.get(run.id)))
    findings = open_findings(session, who.tenant_id) if who.decides else []
    return Today(by_state, findings)


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


def newest_proofs(session: Session, run_ids: list[int]) -> dict[int, Proof]:
    """The newest proof of each run (a refused proof may be followed by a good one)."""
    newest = (select(func.max(Proof.id)).where(Proof.run_id.in_(run_ids)).group_by(Proof.run_id)
              .scalar_subquery())
    return {proof.run_id: proof for proof in session.scalars(select(Proof).where(Proof.id.in_(newest)))}


def latest_steps(session: Session, run_ids: list[int]) -> dict[int, Escalation]:
    latest = (select(func.max(Escalation.id)).where(Escalation.run_id.in_(run_ids))
              .group_by(Escalation.run_id).scalar_subquery())
    return {step.run_id: step for step in session.scalars(select(Escalation).where(Escalation.id.in_(latest)))}


@console.get("/runs/<int:run_id>")
def run_page(run_id: int):
    who = signed()
    with current_runtime().db.session() as session:
        run = tenant_row_or_404(session, Run, run_id)
        if not who.decides and run.assignee != who.person.id:
            abort(404)
        view = RunView(run, newest_proofs(session, [run.id]).get(run.id),
                       latest_steps(session, [run.id]).get(run.id) if run.state == "open" else None)
        events = timeline_of(session, who.tenant, run, clock.now())
    return render_template("console/run.html", view=view, events=events, who=who, zone=who.tenant.zone,
                           proof_kind=proof_kind_of(who))

"""Today: the tenant's runs of the local day by state, with who, when, the proof and the
flags; open escalations with their decisions; open findings. The list is a fragment an
open page polls (htmx, every second) with the change stamp it was rendered at: while the
stamp is the same, the poll answers 204 without rendering anything (console/stamps.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from markupsafe import Markup
from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from config.schema import Task, Tenant
from console import clock, console
from console.access import SignedIn, signed, tenant_row_or_404
from console.stamps import change_stamp, runs_of_day, stamp_of
from console.timeline import timeline_of
from recurring.findings import open_findings
from recurring.proof import proof_kind
from runtime import current_runtime
from store.models import Escalation, Finding, Proof, Run

STATES = ("open", "late", "done", "missed", "excused")
# Only what the list shows is read: plain rows cost a fraction of ORM objects for 1,000 runs.
PROOF_COLUMNS = (Proof.id, Proof.run_id, Proof.kind, Proof.value, Proof.unit, Proof.media_path, Proof.flags)
STEP_COLUMNS = (Escalation.run_id, Escalation.level, Escalation.answer, Escalation.answered_by)


@dataclass(frozen=True)
class RunView:
    run: Run | Row  # a Run on its own page, a row of DAY_COLUMNS (console/stamps.py) on Today
    proof: Row | None  # of PROOF_COLUMNS
    escalation: Row | None  # the latest step (STEP_COLUMNS), for an open run that escalated
    assignee: str  # the assignee's name
    due: str  # HH:MM, the tenant's time
    closed: str  # HH:MM, or "" while open

    @property
    def seen(self) -> str:
        """The step as the page shows it (console/decisions.py compares it when deciding)."""
        step = self.escalation
        return f"{step.level}:{step.answer or ''}" if step else "0:"


def view_of(run: Run | Row, proof: Row | None, step: Row | None, names: dict[str, str],
            zone: ZoneInfo) -> RunView:
    """The run as a page shows it: its words worked out here, where they cost a fraction
    of what the same calls cost in a template."""
    closed = run.completed_at.astimezone(zone).strftime("%H:%M") if run.completed_at else ""
    return RunView(run, proof, step, names.get(run.assignee, run.assignee),
                   run.due_at.astimezone(zone).strftime("%H:%M"), closed)


@dataclass(frozen=True)
class TaskFacts:
    """What the page says of a task, worked out once per request rather than once per run."""
    kind: str  # photo | number | text | none
    range_words: str  # "range 33 to 41 F" for a reading, else ""


@dataclass(frozen=True)
class Today:
    by_state: dict[str, list[RunView]]
    findings: list[Finding]


@console.get("/")
def today():
    return render_template("console/today.html", **page_of_today(signed()))


@console.get("/today/live")
def today_live():
    """The Today fragment, or 204 while the change stamp is the one the page was rendered at."""
    who = signed()
    with current_runtime().db.session() as session:
        if change_stamp(session, who, clock.now()) == request.args.get("version"):
            return "", 204
    return render_template("console/_today_live.html", **page_of_today(who))


def page_of_today(who: SignedIn) -> dict:
    now = clock.now()
    with current_runtime().db.session() as session:
        runs = runs_of_day(session, who, now)
        # Stamped before the proofs and steps are read: one written between shows on the next poll.
        version = stamp_of(session, who, now, runs)
        found = today_of(session, who, runs)
    fields = {"day": found, "who": who, "zone": who.tenant.zone, "tasks": facts_of(who.tenant.tasks)}
    runs_html = Markup(render_template("console/_today_runs.html", **fields))
    return {**fields, "runs_html": runs_html, "version": version}


def facts_of(tasks: tuple[Task, ...]) -> dict[str, TaskFacts]:
    return {task.id: TaskFacts(proof_kind(task), range_words(task)) for task in tasks}


def range_words(task: Task) -> str:
    if proof_kind(task) != "number":
        return ""
    rule = task.proof.number
    low = f"{rule.min:g}" if rule.min is not None else "…"
    high = f"{rule.max:g}" if rule.max is not None else "…"
    return f"range {low} to {high} {rule.unit or ''}".strip()


def today_of(session: Session, who: SignedIn, runs: list[Row]) -> Today:
    proofs = newest_proofs(session, [run.id for run in runs])
    steps = latest_steps(session, [run.id for run in runs if run.state == "open"])
    names, zone = names_of(who.tenant), who.tenant.zone
    by_state = {state: [] for state in STATES}
    for run in runs:
        by_state.setdefault(run.state, []).append(view_of(run, proofs.get(run.id), steps.get(run.id), names, zone))
    findings = open_findings(session, who.tenant_id) if who.decides else []
    return Today(by_state, findings)


def names_of(tenant: Tenant) -> dict[str, str]:
    return {person.id: person.name for person in tenant.people}


def newest_proofs(session: Session, run_ids: list[int]) -> dict[int, Row]:
    """The newest proof of each run (a refused proof may be followed by a good one)."""
    newest = (select(func.max(Proof.id)).where(Proof.run_id.in_(run_ids)).group_by(Proof.run_id)
              .scalar_subquery())
    return {proof.run_id: proof for proof in session.execute(select(*PROOF_COLUMNS).where(Proof.id.in_(newest)))}


def latest_steps(session: Session, run_ids: list[int]) -> dict[int, Row]:
    latest = (select(func.max(Escalation.id)).where(Escalation.run_id.in_(run_ids))
              .group_by(Escalation.run_id).scalar_subquery())
    return {step.run_id: step for step in session.execute(select(*STEP_COLUMNS).where(Escalation.id.in_(latest)))}


@console.get("/runs/<int:run_id>")
def run_page(run_id: int):
    who = signed()
    with current_runtime().db.session() as session:
        run = tenant_row_or_404(session, Run, run_id)
        if not who.decides and run.assignee != who.person.id:
            abort(404)
        view = view_of(run, newest_proofs(session, [run.id]).get(run.id),
                       latest_steps(session, [run.id]).get(run.id) if run.state == "open" else None,
                       names_of(who.tenant), who.tenant.zone)
        events = timeline_of(session, who.tenant, run, clock.now())
    return render_template("console/run.html", view=view, events=events, who=who, zone=who.tenant.zone,
                           tasks=facts_of(who.tenant.tasks))

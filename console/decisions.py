"""Deciding from the page: an escalated run's Take, Excuse, Reassign and Done, and a
finding's Acknowledge, through the same functions the SMS answers use
(recurring/escalation.py, recurring/completion.py, recurring/findings.py), so the
effects and the texts to everyone involved are the same.

Done records the proof the task asks for as the texts do: a note, or a reading (range,
unit and flags by recorded_unit/reading_flags, the managers texted when out of range). A
photo still comes by text: it is proof from the phone at the task, which an upload from
the office would not be.

Each form carries the escalation step it was shown (`seen`: level and answer). When
someone else decided first, nothing changes and the page says what happened instead.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from sqlalchemy.orm import Session

from config.schema import Tenant
from console import clock, console
from console.access import SignedIn, deciders_only, signed, tenant_row_or_404
from console.timeline import name as person_name
from recurring.completion import complete_run, complete_with_reading, open_run, record_proof
from recurring.escalation import excuse_run, latest_escalation, reassign_run, take_run
from recurring.findings import close_finding, open_finding
from recurring.proof import parse_reading, proof_kind
from runtime import current_runtime
from store.models import Escalation, Finding, Run

DECIDERS_ONLY = frozenset({"excuse", "reassign", "done"})
MAX_NOTE = 300
MAX_READING = 40


class Refused(Exception):
    """The decision can't be made as asked; the message says why. Nothing changed."""


@console.post("/runs/<int:run_id>/<any(take, excuse, reassign, done):action>")
def decide_run(run_id: int, action: str):
    who = signed()
    if action in DECIDERS_ONLY:
        deciders_only()
    with current_runtime().db.session() as session:
        visible = tenant_row_or_404(session, Run, run_id)
        if not who.decides and visible.assignee != who.person.id:
            abort(404)
        try:
            flash(apply(session, who, run_id, action), "notice")
        except Refused as refused:
            flash(str(refused), "error")
    return redirect(back_to())


def back_to() -> str:
    """The console page the form was on (a run's page or Today), never another site."""
    back = request.form.get("back", "")
    return back if back.startswith("/console/") and "//" not in back else url_for("console.today")


def apply(session: Session, who: SignedIn, run_id: int, action: str) -> str:
    run = open_run(session, who.tenant_id, run_id)  # locked (PostgreSQL): one decision at a time
    latest = latest_escalation(session, run_id)
    if run is None or seen_step(latest) != request.form.get("seen", ""):
        raise Refused(f"Nothing changed: {what_happened(session, who.tenant, run_id)}")
    return DECISIONS[action](session, who, run)


def seen_step(latest: Escalation | None) -> str:
    """The escalation step as a form saw it: its level and its answer so far."""
    return f"{latest.level}:{latest.answer or ''}" if latest else "0:"


def what_happened(session: Session, tenant: Tenant, run_id: int) -> str:
    run = session.get(Run, run_id)
    latest = latest_escalation(session, run_id)
    if latest is not None and latest.answer:
        by = person_name(tenant, latest.answered_by)
        when = latest.answered_at.astimezone(tenant.zone).strftime("%H:%M")
        note = f": {latest.note}" if latest.note and latest.answer == "excused" else ""
        to = f" to {person_name(tenant, latest.note)}" if latest.answer == "reassigned" else ""
        return f"{by} {ANSWER_WORDS.get(latest.answer, latest.answer)} {run.title}{to} at {when}{note}."
    return f"{run.title} is {run.state} now."


ANSWER_WORDS = {"taken": "took", "excused": "excused", "reassigned": "gave", "done": "did",
                "late": "did", "missed": "saw the chain end for"}


def take(session: Session, who: SignedIn, run: Run) -> str:
    take_run(session, who.tenant, run, who.person, clock.now())
    return f"{run.title} is yours now."


def excuse(session: Session, who: SignedIn, run: Run) -> str:
    reason = request.form.get("reason", "").strip()[:MAX_NOTE]
    if not reason:
        raise Refused(f"Say why {run.title} is excused. Nothing changed.")
    excuse_run(session, who.tenant, run, who.person, reason, clock.now())
    return f"{run.title} is excused: {reason}. Everyone texted about it has been told."


def reassign(session: Session, who: SignedIn, run: Run) -> str:
    to = who.tenant.person(request.form.get("person", ""))
    if to is None:
        raise Refused("Pick someone of your team to give it to. Nothing changed.")
    reassign_run(session, who.tenant, run, who.person, to, clock.now())
    return f"{run.title} is with {to.name} now; they have been texted."


def done(session: Session, who: SignedIn, run: Run) -> str:
    task = who.tenant.task(run.task)
    kind = proof_kind(task) if task else "none"
    if kind == "photo":
        raise Refused(f"{run.title} needs a photo: it is done by text, with the photo from the phone at "
                      "the task. Nothing changed.")
    return DONE_BY_PROOF[kind](session, who, run)


def done_with_nothing(session: Session, who: SignedIn, run: Run) -> str:
    complete_run(session, who.tenant, run, who.person.id, clock.now())
    return f"{run.title} is {run.state}."


def done_with_note(session: Session, who: SignedIn, run: Run) -> str:
    note = request.form.get("note", "").strip()[:MAX_NOTE]
    if not note:
        raise Refused(f"{run.title} needs a note to count as done. Nothing changed.")
    now = clock.now()
    record_proof(session, run, now, "text", value=note)
    complete_run(session, who.tenant, run, who.person.id, now)
    return f"{run.title} is {run.state}."


def done_with_reading(session: Session, who: SignedIn, run: Run) -> str:
    """As a DONE 38 text: the range and unit checked, flagged, the managers texted when out of range."""
    reading = parse_reading(request.form.get("reading", "")[:MAX_READING])
    if reading is None:
        raise Refused(f"{run.title} needs its reading as a number, e.g. 38. Nothing changed.")
    flags, unit = complete_with_reading(session, who.tenant, run, who.person, reading, clock.now())
    recorded = f"{reading.text} {unit}".strip()
    if "out_of_range" in flags:
        return f"{run.title} is {run.state}: {recorded} is outside its range; the managers have been texted."
    if "unit_mismatch" in flags:
        return f"{run.title} is {run.state}: {recorded} recorded, flagged as not in {unit_of(who, run)}."
    return f"{run.title} is {run.state}: {recorded} recorded."


def unit_of(who: SignedIn, run: Run) -> str:
    return who.tenant.task(run.task).proof.number.unit


DONE_BY_PROOF = {"none": done_with_nothing, "text": done_with_note, "number": done_with_reading}
DECISIONS = {"take": take, "excuse": excuse, "reassign": reassign, "done": done}


@console.post("/findings/<int:finding_id>/acknowledge")
def acknowledge_finding(finding_id: int):
    deciders_only()
    who = signed()
    with current_runtime().db.session() as session:
        tenant_row_or_404(session, Finding, finding_id)
        finding = open_finding(session, who.tenant_id, finding_id)
        if finding is None:
            answered = session.get(Finding, finding_id)
            flash(f"Nothing changed: {person_name(who.tenant, answered.acknowledged_by)} "
                  f"already answered this finding.", "error")
        else:
            close_finding(session, who.tenant, finding, "acknowledged", who.person.id, clock.now())
            flash(f"Finding closed: {finding.summary}", "notice")
    return redirect(url_for("console.today"))

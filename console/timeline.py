"""A run's timeline: its reminder, each escalation step and its answer, the proof, who
closed it, and every text in and out with the people involved while it was open."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from config.schema import Tenant
from store.models import Escalation, Message, Proof, Run

AFTER_CLOSE = timedelta(hours=1)  # the notices that a close sends go out just after it
MAX_TEXTS = 200


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # run | reminder | escalation | answer | proof | closed | text-in | text-out
    what: str
    message: Message | None = None
    proof: Proof | None = None


def timeline_of(session: Session, tenant: Tenant, run: Run, now: datetime) -> list[Event]:
    steps = list(session.scalars(select(Escalation).where(Escalation.run_id == run.id).order_by(Escalation.level)))
    proofs = list(session.scalars(select(Proof).where(Proof.run_id == run.id).order_by(Proof.id)))
    events = [Event(run.created_at, "run", f"Run opened for {name(tenant, run.assignee)}")]
    if run.reminded_at:
        events.append(Event(run.reminded_at, "reminder", f"Reminder texted to {name(tenant, run.assignee)}"))
    for step in steps:
        events.extend(step_events(tenant, step))
    events.extend(Event(p.received_at, "proof", proof_words(p), proof=p) for p in proofs)
    if run.completed_at:
        events.append(Event(run.completed_at, "closed", f"{run.state.capitalize()}: by {name(tenant, run.completed_by)}"))
    events.extend(text_events(session, tenant, run, steps, now))
    return sorted(events, key=lambda event: event.at)


def step_events(tenant: Tenant, step: Escalation) -> list[Event]:
    texted = ", ".join(name(tenant, person) for person in step.notified) or "nobody"
    found = [Event(step.created_at, "escalation", f"Escalation step {step.level} ({step.target}): texted {texted}")]
    if step.answer and step.answered_at:
        note = f": {step.note}" if step.note else ""
        found.append(Event(step.answered_at, "answer", f"{step.answer.capitalize()} by {name(tenant, step.answered_by)}{note}"))
    return found


def proof_words(proof: Proof) -> str:
    value = {"photo": "a photo", "number": f"reading {proof.value} {proof.unit or ''}".strip(),
             "text": f"note: {proof.value}"}.get(proof.kind, proof.kind)
    flags = f" (flagged: {', '.join(proof.flags)})" if proof.flags else ""
    return f"Proof: {value}{flags}"


def text_events(session: Session, tenant: Tenant, run: Run, steps: list[Escalation], now: datetime) -> list[Event]:
    """Texts to and from the people of this run, from its start until just after it closed."""
    people = {run.assignee, run.completed_by, *(p for s in steps for p in s.notified),
              *(s.answered_by for s in steps)}
    phones = [p.phone for p in tenant.people if p.id in people]
    end = (run.completed_at or (steps[-1].answered_at if steps and run.state != "open" else None) or now)
    query = (select(Message).where(Message.tenant == tenant.tenant,
                                   or_(Message.to_phone.in_(phones), Message.from_phone.in_(phones)),
                                   Message.created_at >= run.created_at - timedelta(minutes=1),
                                   Message.created_at <= end + AFTER_CLOSE)
             .order_by(Message.id).limit(MAX_TEXTS))
    return [Event(m.created_at, f"text-{m.direction}", m.body, message=m) for m in session.scalars(query)]


def name(tenant: Tenant, person_id: str | None) -> str:
    person = tenant.person(person_id) if person_id else None
    return person.name if person else (person_id or "someone")

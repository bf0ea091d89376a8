"""Completing runs and handing them on: the changes a staff text makes to a run.

The caller's session holds every change and every outbox row, and the caller commits.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from config.schema import Person, Tenant
from confirmations.outbox import queue_message
from recurring.escalation import end_escalation
from recurring.findings import review_closed_run
from recurring.proof import Reading, reading_flags, recorded_unit
from store.models import Proof, Run

NOTIFIED_ROLES = ("manager", "owner")


# Prepared once: every staff text asks them (the statement's cache key is built once, not per text).
_OPEN_FOR_PERSON = (select(Run).where(Run.tenant == bindparam("tenant"), Run.assignee == bindparam("person"),
                                      Run.state == "open").order_by(Run.due_at, Run.id))
OPEN_RUNS_FOR = _OPEN_FOR_PERSON.with_for_update()
OPEN_TASKS_OF = _OPEN_FOR_PERSON.with_only_columns(Run.task)


def open_tasks_of(session: Session, tenant: str, person_id: str) -> tuple[str, ...]:
    """The tasks of a person's open runs, soonest due first, each once: read, not locked."""
    rows = session.connection().execute(OPEN_TASKS_OF, {"tenant": tenant, "person": person_id})
    return tuple(dict.fromkeys(task for (task,) in rows))


def open_runs_for(session: Session, tenant: str, person_id: str) -> list[Run]:
    """A person's open runs, locked (PostgreSQL) so two texts at once can't both complete one."""
    return list(session.scalars(OPEN_RUNS_FOR, {"tenant": tenant, "person": person_id}))


def open_run(session: Session, tenant: str, run_id: int) -> Run | None:
    query = select(Run).where(Run.id == run_id, Run.tenant == tenant, Run.state == "open").with_for_update()
    return session.scalar(query)


def complete_run(session: Session, tenant: Tenant, run: Run, person_id: str, now: datetime,
                 flags: list[str] = ()) -> Run:
    """Done, or late when after its due time; by whom and when. Then look for a pattern."""
    run.state = "late" if now > run.due_at else "done"
    run.completed_by, run.completed_at = person_id, now
    add_flags(run, flags)
    end_escalation(session, tenant, run, person_id, now)
    review_closed_run(session, tenant, run, now)
    return run


def complete_with_reading(session: Session, tenant: Tenant, run: Run, person: Person, reading: Reading,
                          now: datetime, interaction_id: int | None = None) -> tuple[list[str], str]:
    """Record a reading as the proof of a run whose task asks for one, and complete it: flagged
    outside the task's range or in another unit, and out of range the managers and the owner
    are texted at once. The flags and the unit recorded, for the words that answer."""
    rule = tenant.task(run.task).proof.number
    flags, unit = reading_flags(reading, rule), recorded_unit(reading, rule)
    record_proof(session, run, now, "number", value=reading.text, unit=unit, flags=flags)
    complete_run(session, tenant, run, person.id, now, flags)
    if "out_of_range" in flags:
        body = f"{run.title}: {person.name} recorded {reading.text} {unit}, outside the allowed range. Please check now."
        notify_managers(session, tenant, body, person.id, interaction_id)
    return flags, unit


def add_flags(run: Run, flags: list[str]) -> None:
    run.flags = list(dict.fromkeys([*(run.flags or []), *flags]))  # a new list: JSON change tracking


def record_proof(session: Session, run: Run, now: datetime, kind: str, **fields) -> Proof:
    proof = Proof(tenant=run.tenant, run_id=run.id, kind=kind, received_at=now,
                  flags=list(fields.pop("flags", [])), **fields)
    session.add(proof)
    return proof


def photo_used_for(session: Session, tenant: str, sha256: str, run_id: int) -> Run | None:
    """Another run of this tenant that this same image already proved, if any."""
    query = (select(Run).join(Proof, Proof.run_id == Run.id)
             .where(Proof.tenant == tenant, Proof.sha256 == sha256, Proof.run_id != run_id).limit(1))
    return session.scalar(query)


def hand_to_backup(session: Session, tenant: Tenant, run: Run, reason: str, now: datetime,
                   interaction_id: int | None = None) -> Person | None:
    """Give the run to its task's backup now, record why, and text the backup."""
    task = tenant.task(run.task)
    backup = tenant.person(task.backup) if task and task.backup else None
    if backup is None or backup.id == run.assignee:
        return None
    handed_by = run.assignee
    run.assignee = backup.id
    add_flags(run, ["handed_to_backup"])
    record_proof(session, run, now, "text", value=f"handed to {backup.id} by {handed_by}: {reason}",
                 flags=["handed_to_backup"])
    who = tenant.person(handed_by)
    body = (f"{who.name if who else handed_by} can't do {run.title} ({reason}). "
            f"It's yours now: text DONE when it's finished.")
    queue_message(session, tenant=tenant.tenant, to=backup.phone, from_=tenant.numbers[0], body=body,
                  purpose="reminder", interaction_id=interaction_id)
    review_closed_run(session, tenant, run, now)
    return backup


def notify_managers(session: Session, tenant: Tenant, body: str, sender: str | None,
                    interaction_id: int | None = None) -> list[Person]:
    """Text the tenant's managers and owner at once (not the person who caused it)."""
    people = [p for p in tenant.people if p.role in NOTIFIED_ROLES and p.id != sender]
    for person in people:
        queue_message(session, tenant=tenant.tenant, to=person.phone, from_=tenant.numbers[0],
                      body=body, purpose="notice", interaction_id=interaction_id)
    return people

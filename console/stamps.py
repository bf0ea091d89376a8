"""The change stamp of Today: a short digest of everything its list shows, read in a few
small queries (narrow rows, no ORM objects) with nothing rendered. The page polls with the
stamp it was rendered at, and while the stamp is the same the poll answers 204
(console/today.py).

What the list shows, and so what the stamp covers:
    the day's runs        every column the list reads (DAY_COLUMNS), changed by any update
    their proofs          the newest proof id (proofs are only ever added)
    their escalations     each step's id, answer and who answered (answers update a step)
    open findings         their ids (deciders only)
    the tenant file       names, tasks and ranges (its JSON, unchanged while it is loaded)
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from console.access import SignedIn
from console.day import day_runs
from store.models import Escalation, Finding, Proof, Run

# What Today reads of a run: read once per page, for the stamp and for the list.
DAY_COLUMNS = (Run.id, Run.task, Run.title, Run.state, Run.assignee, Run.escalation_level, Run.due_at,
               Run.completed_by, Run.completed_at, Run.flags)


def runs_of_day(session: Session, who: SignedIn, now: datetime) -> list[Row]:
    return session.execute(day_runs(who, now, *DAY_COLUMNS).order_by(Run.due_at, Run.id)).all()


def change_stamp(session: Session, who: SignedIn, now: datetime) -> str:
    return stamp_of(session, who, now, runs_of_day(session, who, now))


def stamp_of(session: Session, who: SignedIn, now: datetime, runs: list[Row]) -> str:
    """The stamp of `runs` (as runs_of_day read them) and of what else the list shows."""
    ids = day_runs(who, now, Run.id).scalar_subquery()
    steps = session.execute(select(Escalation.id, Escalation.answer, Escalation.answered_by)
                            .where(Escalation.run_id.in_(ids)).order_by(Escalation.id))
    proof = session.scalar(select(func.max(Proof.id)).where(Proof.run_id.in_(ids)))
    findings = open_finding_ids(session, who) if who.decides else []
    seen = (who.person.id, who.decides, who.tenant.model_dump_json(), [tuple(run) for run in runs],
            [tuple(step) for step in steps], proof, findings)
    return hashlib.blake2b(repr(seen).encode(), digest_size=8).hexdigest()


def open_finding_ids(session: Session, who: SignedIn) -> list[int]:
    return list(session.scalars(select(Finding.id).where(Finding.tenant == who.tenant_id, Finding.state == "open")
                                .order_by(Finding.id)))

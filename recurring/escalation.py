"""Escalation: work not done on time moves up its chain by itself, one step a tick at most.

A run's chain (recurring/chains.py) is copied onto it (Run.chain) the first time it is
looked at past its due time, so a config edit later doesn't change an escalation in
flight. On the run:

    escalation_level   how many steps have texted (0: none yet)
    escalate_at        the next look: the current step's wait is over, quiet hours end,
                       or a take's pause ends. NULL before the first look (due_at counts).

One pass, `advance_escalations(runtime, now)`, part of every scheduler tick:

1. One indexed query lists the open runs that need a look: past due and not escalating
   yet (ix_runs_overdue), or escalate_at reached (ix_runs_escalate_at).
2. They are handled BATCH at a time, one transaction each, re-read under lock:
   PostgreSQL's FOR UPDATE SKIP LOCKED shares them out between two schedulers (and
   skips a run an answer is changing right now); SQLite's writers take turns. A run
   whose step changed meanwhile no longer matches and is left alone.
3. Each run's next move: its next step texts its people (with their reply codes, and
   an Escalation row unique per run and level, so a step can't text twice), or waits
   for their quiet hours to end (unless urgent), or, after the last step's wait, the run
   is missed. Codes, rows and updates are written in bulk per batch.

Answers (agents/answers.py) change the run through take_run, reassign_run, excuse_run.
A run leaves escalation in two places: `end_escalation` when it is done, late or excused
(complete_run calls it), and `miss_runs` when its chain ran out. Either way its codes
are freed, everyone texted about it is told how it ended, and findings look at it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Iterable, Iterator

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from config.schema import Person, Tenant
from confirmations.outbox import Text, queue_messages
from recurring.chains import ChainStep, Move, chain_for, chain_json, chain_of, next_move
from recurring.codes import CodeKey, assign_code, assign_codes, lock_codes, release_codes, release_items
from recurring.escalation_texts import call_text, ending_text, given_text, name_of, step_text
from recurring.findings import review_closed_run
from routing.tenants import TenantDirectory
from store.models import Escalation, Run

if TYPE_CHECKING:
    from runtime import Runtime

BATCH = 1000


@dataclass(frozen=True)
class EscalationCounts:
    texted: int = 0  # runs that moved a step and texted it
    deferred: int = 0  # steps held for quiet hours
    missed: int = 0

    def __add__(self, other: EscalationCounts) -> EscalationCounts:
        return EscalationCounts(self.texted + other.texted, self.deferred + other.deferred,
                                self.missed + other.missed)


# -- the pass -------------------------------------------------------------------------------

def advance_escalations(runtime: Runtime, now: datetime) -> EscalationCounts:
    """Move every open run whose step is due one step on (or defer it, or miss it)."""
    tenants = [tenant.tenant for tenant in runtime.tenants]
    with runtime.db.sessionmaker() as session:
        ids = session.scalars(select(Run.id).where(needs_look(now), Run.tenant.in_(tenants))
                              .order_by(Run.id)).all()
    counts = EscalationCounts()
    for batch in _chunks(ids, BATCH):
        with runtime.db.session(bulk=True) as session:
            counts += advance_batch(session, runtime.tenants, batch, now)
    return counts


def needs_look(now: datetime):
    """Open runs past due with no step yet, or whose next look is due."""
    return and_(Run.state == "open", or_(
        and_(Run.escalation_level == 0, Run.due_at <= now, Run.escalate_at.is_(None)),
        Run.escalate_at <= now))


def advance_batch(session: Session, tenants: TenantDirectory, ids: list[int],
                  now: datetime) -> EscalationCounts:
    query = (select(Run).where(Run.id.in_(ids), needs_look(now)).order_by(Run.id)
             .with_for_update(skip_locked=True))
    runs = session.scalars(query).all()
    if not runs:
        return EscalationCounts()
    lock_codes(session, {run.tenant for run in runs})
    moves = [(run, tenants.get(run.tenant), _move(run, tenants.get(run.tenant), now)) for run in runs]
    texted = [(run, tenant, move) for run, tenant, move in moves if move.kind == "text"]
    deferred = [run for run, _, move in moves if move.kind == "defer"]
    missed = [(run, tenant) for run, tenant, move in moves if move.kind == "miss"]
    for run, _, move in moves:
        apply_move(run, move)
    outgoing = miss_runs(session, missed, now)  # first: their codes are free again for the steps
    outgoing += text_steps(session, texted, now)
    queue_messages(session, outgoing, now)
    return EscalationCounts(texted=len(texted), deferred=len(deferred), missed=len(missed))


def _move(run: Run, tenant: Tenant, now: datetime) -> Move:
    task = tenant.task(run.task)
    if run.chain is None:  # starts escalating: the chain as configured now is the run's own
        run.chain = chain_json(chain_for(tenant, task))
    return next_move(tenant, chain_of(run.chain), run.escalation_level, run.assignee, task, now)


def apply_move(run: Run, move: Move) -> None:
    if move.kind == "text":
        run.escalation_level, run.escalate_at = move.index + 1, move.at
    elif move.kind == "defer":
        run.escalate_at = move.at
    else:
        run.state, run.escalate_at = "missed", None


def text_steps(session: Session, texted: list[tuple[Run, Tenant, Move]], now: datetime) -> list[Text]:
    """Codes and Escalation rows for every run that moved a step, in bulk; their texts."""
    if not texted:
        return []
    keys = [CodeKey(run.tenant, person.id, "run", run.id) for run, _, move in texted for person in move.people]
    codes = assign_codes(session, keys, now)
    earlier = notified_before(session, [run.id for run, _, _ in texted])
    rows, outgoing = [], []
    for run, tenant, move in texted:
        mine = {person.id: codes[CodeKey(run.tenant, person.id, "run", run.id)] for person in move.people}
        rows.append({"tenant": run.tenant, "run_id": run.id, "level": run.escalation_level,
                     "target": move.step.notify, "notified": [p.id for p in move.people], "codes": mine,
                     "created_at": now})
        unanswered = [name_of(tenant, p) for p in earlier.get(run.id, []) if p not in mine]
        for person in move.people:
            outgoing.append(step_message(tenant, run, move.step, person, mine[person.id], unanswered, now))
    session.execute(insert(Escalation), rows)
    return outgoing


def step_message(tenant: Tenant, run: Run, step: ChainStep, person: Person, code: int,
                 unanswered: list[str], now: datetime) -> Text:
    """One person's text for a step, or the call for a step `by: call`: placed at once (a call
    is never held or bundled by the rate limit), answered with the keys for the person's code."""
    if step.by == "call":
        body = call_text(tenant, person, title=run.title, assignee=run.assignee, due_at=run.due_at, now=now,
                         urgent=step.urgent, unanswered=unanswered)
        return text_to(tenant, person, body, "escalation")._replace(channel="call", code=code, urgent=True)
    body = step_text(tenant, person, title=run.title, assignee=run.assignee, task=tenant.task(run.task),
                     due_at=run.due_at, now=now, code=code, urgent=step.urgent, unanswered=unanswered)
    return text_to(tenant, person, body, "escalation")


def notified_before(session: Session, run_ids: list[int]) -> dict[int, list[str]]:
    """Who each run's earlier steps texted, in order, once each."""
    query = (select(Escalation.run_id, Escalation.notified).where(Escalation.run_id.in_(run_ids))
             .order_by(Escalation.run_id, Escalation.level))
    people: dict[int, dict[str, None]] = defaultdict(dict)
    for run_id, notified in session.execute(query):
        people[run_id].update(dict.fromkeys(notified))
    return {run_id: list(ids) for run_id, ids in people.items()}


def miss_runs(session: Session, missed: list[tuple[Run, Tenant]], now: datetime) -> list[Text]:
    """The last step's wait ended with no answer: the runs are missed; the texts telling
    everyone texted about them."""
    by_tenant: dict[str, list[int]] = defaultdict(list)
    for run, _ in missed:
        by_tenant[run.tenant].append(run.id)
    texted = texted_codes(session, [run.id for run, _ in missed]) if missed else {}
    outgoing = []
    for run, tenant in missed:
        outgoing += ending_texts(tenant, run, texted.get(run.id, {}), "missed", now)
        review_closed_run(session, tenant, run, now)  # a pattern of misses: one finding
    for tenant_id, run_ids in by_tenant.items():
        release_items(session, tenant_id, "run", run_ids, outcome="missed", now=now)
    return outgoing


# -- answers ----------------------------------------------------------------------------------

def take_run(session: Session, tenant: Tenant, run: Run, person: Person, now: datetime,
             interaction_id: int | None = None) -> None:
    """It's theirs now; the chain pauses for the run's due window, then goes on."""
    run.assignee = person.id
    pause(run, now)
    _answer(session, tenant, run, "taken", person.id, now, None, interaction_id)


def reassign_run(session: Session, tenant: Tenant, run: Run, by: Person, to: Person, now: datetime,
                 interaction_id: int | None = None) -> int:
    """An owner or manager gave it to someone: they're texted (with their code), the chain pauses."""
    run.assignee = to.id
    pause(run, now)
    code = assign_code(session, tenant.tenant, to.id, "run", run.id, now)
    latest = latest_escalation(session, run.id)
    if latest is not None and to.id not in latest.notified:
        latest.notified = [*latest.notified, to.id]
        latest.codes = {**latest.codes, to.id: code}
    body = given_text(tenant, title=run.title, by=by.id, task=tenant.task(run.task), due_at=run.due_at,
                      now=now, code=code)
    queue_messages(session, [text_to(tenant, to, body, "escalation", interaction_id)], now)
    _answer(session, tenant, run, "reassigned", by.id, now, to.id, interaction_id, skip=(by.id, to.id))
    return code


def excuse_run(session: Session, tenant: Tenant, run: Run, by: Person, reason: str, now: datetime,
               interaction_id: int | None = None) -> None:
    run.state = "excused"
    end_escalation(session, tenant, run, by.id, now, reason, interaction_id)
    review_closed_run(session, tenant, run, now)


def pause(run: Run, now: datetime) -> None:
    """No step for the run's due window (its slot to its due time), from now."""
    run.escalate_at = now + (run.due_at - run.slot)


def end_escalation(session: Session, tenant: Tenant, run: Run, by: str | None, now: datetime,
                   note: str | None = None, interaction_id: int | None = None) -> None:
    """A run closed by an answer or DONE (run.state says how): if it had escalated, record
    the answer, free its codes and tell those texted. Done and late come through complete_run."""
    run.escalate_at = None
    if run.escalation_level == 0:
        return
    _answer(session, tenant, run, run.state, by, now, note, interaction_id)
    release_codes(session, tenant.tenant, "run", run.id, outcome=run.state, by=by, now=now)


def _answer(session: Session, tenant: Tenant, run: Run, answer: str, by: str | None, now: datetime,
            note: str | None, interaction_id: int | None, skip: Iterable[str] = ()) -> None:
    """Record the answer on the run's current step and tell everyone texted about it."""
    # The tenant's code lock before any text's rate-limit lock, in the order the tick takes
    # them (PostgreSQL): a finding raised after this (review_closed_run) can't deadlock a tick.
    lock_codes(session, [tenant.tenant])
    latest = latest_escalation(session, run.id)
    if latest is not None:
        latest.answer, latest.answered_by, latest.answered_at, latest.note = answer, by, now, note
    skipped = {by, *skip}
    texted = {p: c for p, c in texted_codes(session, [run.id]).get(run.id, {}).items() if p not in skipped}
    queue_messages(session, ending_texts(tenant, run, texted, answer, now, by, note, interaction_id), now)


def ending_texts(tenant: Tenant, run: Run, texted: dict[str, int], ending: str, now: datetime,
                 by: str | None = None, note: str | None = None,
                 interaction_id: int | None = None) -> list[Text]:
    """How the run ended, for each person texted about it (with the code they had)."""
    actor = run.assignee if ending in ("taken", "reassigned") else run.completed_by or by
    people = [tenant.person(person_id) for person_id in texted]
    return [text_to(tenant, person, ending_text(tenant, code=texted[person.id], title=run.title,
                                                slot=run.slot, now=now, ending=ending, actor=actor, by=by,
                                                note=note), "notice", interaction_id)
            for person in people if person is not None]


def texted_codes(session: Session, run_ids: list[int]) -> dict[int, dict[str, int]]:
    """Everyone texted about each run, with the code they were given."""
    query = (select(Escalation.run_id, Escalation.codes).where(Escalation.run_id.in_(run_ids))
             .order_by(Escalation.run_id, Escalation.level))
    texted: dict[int, dict[str, int]] = defaultdict(dict)
    for run_id, codes in session.execute(query):
        texted[run_id].update(codes)
    return dict(texted)


def latest_escalation(session: Session, run_id: int) -> Escalation | None:
    query = select(Escalation).where(Escalation.run_id == run_id).order_by(Escalation.level.desc()).limit(1)
    return session.scalar(query)


def text_to(tenant: Tenant, person: Person, body: str, purpose: str, interaction_id: int | None = None) -> Text:
    return Text(tenant.tenant, person.phone, tenant.numbers[0], body, purpose, interaction_id=interaction_id)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

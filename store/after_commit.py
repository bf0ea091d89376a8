"""Jobs for rows a transaction wrote, put on RQ's queue only once it has committed: the
outbox's send jobs (confirmations/outbox.py) and the integration jobs (integrations/sync).

    JobKind                           one family of rows: its table, its RQ job, the job ids,
                                      and what the sweeper looks at (store/sweeper.py)
    enqueue_after_commit(session, kind, ids)
                                      these rows' jobs go on the queue once the session
                                      commits; forgotten if it rolls back
    install_after_commit(runtime)     wires that to the runtime's sessions
    enqueue(runtime, kind, rows)      jobs on the queue now; returns the row ids that made
                                      it. Redis down: the rest keep enqueued_at NULL, and
                                      the sweeper tries again

A row's table has `id`, `attempts` and `enqueued_at`; a job id names the row (and, for
kinds that count their own retries, the attempt), so a job offered twice is queued once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError
from sqlalchemy import Select, event, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from store.db import utcnow

if TYPE_CHECKING:
    from runtime import Runtime

log = logging.getLogger(__name__)

PENDING_KEY = "onward.after_commit"  # session.info: {JobKind: [row ids]} to enqueue after commit
BATCH = 1000  # jobs per Redis round trip, and row ids per UPDATE


@dataclass(frozen=True, eq=False)
class JobKind:
    name: str  # in logs: "outbox", "sync"
    model: type  # the rows' table
    func: str  # the RQ job, by name: job modules import the runtime
    timeout: int  # seconds
    job_id: Callable[[int, int], str]  # (row id, attempts so far) -> RQ job id
    due: Callable[[datetime], Select]  # the rows the sweeper looks at, at a time
    gave_up: Callable[[Any, str], bool]  # RQ gave up on a row's job: True when the row is settled
    retry: Callable[[Runtime], Retry | None] = lambda runtime: None  # RQ's retries, if any


def enqueue_after_commit(session: Session, kind: JobKind, row_ids: Iterable[int]) -> None:
    session.info.setdefault(PENDING_KEY, {}).setdefault(kind, []).extend(row_ids)


def install_after_commit(runtime: Runtime) -> Runtime:
    """Enqueue the rows a session marked once it commits; forget them if it rolls back."""
    sessions = runtime.db.sessionmaker

    @event.listens_for(sessions, "after_commit")
    def enqueue_committed(session: Session) -> None:
        for kind, ids in session.info.pop(PENDING_KEY, {}).items():
            # New rows: their first job, whose id is new too (no uniqueness check in bulk).
            mark_enqueued(runtime, kind, enqueue(runtime, kind, [(row_id, 0) for row_id in ids], unique=False))

    @event.listens_for(sessions, "after_rollback")
    def forget_rolled_back(session: Session) -> None:
        session.info.pop(PENDING_KEY, None)

    return runtime


def enqueue(runtime: Runtime, kind: JobKind, rows: Sequence[tuple[int, int]], *, unique: bool = True) -> list[int]:
    """Put a job per (row id, attempts so far) on the queue; return the ids on it now.

    unique: one job at a time, refused (and counted as queued) when its id is there
    already; else BATCH jobs a round trip, for rows just written."""
    enqueued: list[int] = []
    try:
        if unique:
            for row_id, attempts in rows:
                enqueue_one(runtime, kind, row_id, attempts)
                enqueued.append(row_id)
        else:
            for start in range(0, len(rows), BATCH):
                chunk = rows[start:start + BATCH]
                enqueue_many(runtime, kind, chunk)
                enqueued.extend(row_id for row_id, _ in chunk)
    except RedisError as exc:
        log.error("%s: Redis unreachable, %d jobs left for the sweeper: %s", kind.name,
                  len(rows) - len(enqueued), exc)
    return enqueued


def enqueue_one(runtime: Runtime, kind: JobKind, row_id: int, attempts: int) -> None:
    try:
        runtime.queue.enqueue(kind.func, row_id, job_id=kind.job_id(row_id, attempts), unique=True,
                              retry=kind.retry(runtime), job_timeout=kind.timeout)
    except DuplicateJobError:
        pass


def enqueue_many(runtime: Runtime, kind: JobKind, rows: Sequence[tuple[int, int]]) -> None:
    retry = kind.retry(runtime)
    jobs = [Queue.prepare_data(kind.func, (row_id,), job_id=kind.job_id(row_id, attempts), retry=retry,
                               timeout=kind.timeout) for row_id, attempts in rows]
    with runtime.redis.pipeline() as pipe:
        runtime.queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()


def mark_enqueued(runtime: Runtime, kind: JobKind, row_ids: list[int]) -> None:
    if not row_ids:
        return
    try:
        # Not runtime.db.session(): this runs while the committing session still holds
        # its SQLite writer turn (store.db), which a second turn in-process would wait on.
        with Session(runtime.db.engine) as session, session.begin():
            for start in range(0, len(row_ids), BATCH):
                session.execute(update(kind.model).where(kind.model.id.in_(row_ids[start:start + BATCH]))
                                .values(enqueued_at=utcnow()).execution_options(synchronize_session=False))
    except SQLAlchemyError as exc:
        # The jobs are queued; without enqueued_at the sweeper only offers the same job ids again.
        log.error("%s: could not mark %d rows enqueued: %s", kind.name, len(row_ids), exc)

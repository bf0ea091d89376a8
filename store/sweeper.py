"""The sweeper: puts back on the queue the rows whose job never got there, was lost by
Redis, or ended without settling the row. Run by every scheduler tick, for the outbox
and the integration jobs alike (store/after_commit.py); safe to run twice at once.

    the kind's due rows (kind.due(now))
      job queued, scheduled or running        left alone: it will run
      no job (Redis was down, or lost it)     enqueued
      job finished, the row still due         enqueued again (the old job cleared)
      job failed, stopped or canceled in RQ   kind.gave_up(row) settles it (the outbox: the
                                              text is marked failed) or it is enqueued again
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from redis.exceptions import RedisError
from rq.job import Job, JobStatus
from sqlalchemy.orm import Session

from store.after_commit import JobKind, enqueue
from store.db import utcnow

log = logging.getLogger(__name__)

BATCH = 500
IN_FLIGHT = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED})
GAVE_UP = frozenset({JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED})


def sweep(runtime, kind: JobKind, now: datetime) -> int:
    """Enqueue `kind`'s rows left pending at `now`; return how many were enqueued."""
    with runtime.db.session() as session:
        rows = session.scalars(locked(session, kind.due(now).limit(BATCH))).all()
        if not rows:
            return 0
        try:
            offer = rows_to_offer(runtime, kind, rows)
        except RedisError as exc:
            log.error("sweeper: Redis unreachable, %d %s rows wait: %s", len(rows), kind.name, exc)
            return 0
        enqueued = set(enqueue(runtime, kind, [(row.id, row.attempts) for row in offer]))
        for row in offer:
            if row.id in enqueued:
                row.enqueued_at = utcnow()
    if enqueued:
        log.info("sweeper: enqueued %d pending %s rows", len(enqueued), kind.name)
    return len(enqueued)


def locked(session: Session, query):
    if session.get_bind().dialect.name == "postgresql":
        # Two sweepers at once take different rows; SQLite has no row locks (one writer anyway).
        return query.with_for_update(skip_locked=True)
    return query


def rows_to_offer(runtime, kind: JobKind, rows: list[Any]) -> list[Any]:
    """The rows whose job is not waiting or running; a finished or given-up job is
    cleared so its id can be queued again, unless the kind settles the row instead."""
    jobs = Job.fetch_many([kind.job_id(row.id, row.attempts) for row in rows], connection=runtime.redis)
    offer = []
    for row, job in zip(rows, jobs):
        status = job.get_status(refresh=False) if job is not None else None
        if status in IN_FLIGHT or (status in GAVE_UP and kind.gave_up(row, status.value)):
            continue
        if job is not None:
            job.delete()
        offer.append(row)
    return offer

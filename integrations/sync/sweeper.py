"""The integration jobs' sweeper, run by every scheduler tick; safe to run twice at once.

    pending, due (next_try_at <= now), no live RQ job for its next attempt -> enqueue
      (never enqueued: Redis was down at commit; a failed attempt whose backoff is over;
       a job RQ lost or gave up on, its worker having died)
"""
from __future__ import annotations

import logging
from datetime import datetime

from redis.exceptions import RedisError
from rq.job import Job, JobStatus
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations.sync import JobState, enqueue_jobs, job_id
from runtime import Runtime
from store.db import utcnow
from store.models import IntegrationJob

log = logging.getLogger(__name__)

BATCH = 200
IN_FLIGHT = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED})


def sweep_integration_jobs(runtime: Runtime, now: datetime) -> int:
    """Enqueue the integration jobs due at `now`; return how many were enqueued."""
    with runtime.db.session() as session:
        rows = session.scalars(due_rows(session, now)).all()
        if not rows:
            return 0
        try:
            offer = not_in_flight(runtime, [(row.id, row.attempts) for row in rows])
        except RedisError as exc:
            log.error("sync sweeper: Redis unreachable, %d jobs wait: %s", len(rows), exc)
            return 0
        enqueued = set(enqueue_jobs(runtime, offer))
        for row in rows:
            if row.id in enqueued:
                row.enqueued_at = utcnow()
    if enqueued:
        log.info("sync sweeper: enqueued %d integration jobs", len(enqueued))
    return len(enqueued)


def due_rows(session: Session, now: datetime):
    query = (select(IntegrationJob)
             .where(IntegrationJob.state == JobState.PENDING, IntegrationJob.next_try_at <= now)
             .order_by(IntegrationJob.next_try_at, IntegrationJob.id).limit(BATCH))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


def not_in_flight(runtime: Runtime, rows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The rows whose next attempt has no job waiting or running. A finished or failed job
    of that attempt (it ran before a crash, or its worker died) is cleared to go again."""
    jobs = Job.fetch_many([job_id(row_id, attempts) for row_id, attempts in rows], connection=runtime.redis)
    free = []
    for row, job in zip(rows, jobs):
        if job is not None and job.get_status(refresh=False) in IN_FLIGHT:
            continue
        if job is not None:
            job.delete()
        free.append(row)
    return free

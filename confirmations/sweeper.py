"""The outbox sweeper: puts back on the queue the outbound rows that never got there,
or whose job Redis has since lost. Run by every scheduler tick; safe to run twice at once.

    enqueued_at NULL, older than a grace period    commit hook failed (Redis down): enqueue
    enqueued long ago, job gone from Redis         Redis lost it: enqueue again (same job id)
    enqueued long ago, job failed/stopped in RQ    RQ gave up: mark the row failed, for the operator
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from rq.job import Job, JobStatus
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from confirmations.outbox import enqueue_sends, send_job_id, settle_failed
from runtime import Runtime
from store.db import utcnow
from store.models import Direction, Message, MessageStatus

log = logging.getLogger(__name__)

GRACE = timedelta(seconds=30)  # leaves a row just committed to its own commit hook
STALE_AFTER = timedelta(minutes=15)  # longer than any send job runs
BATCH = 500
GAVE_UP = frozenset({JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED})


def sweep_outbox(runtime: Runtime, now: datetime) -> int:
    """Enqueue outbox rows left pending at `now`; return how many were enqueued."""
    with runtime.db.session() as session:
        rows = session.scalars(pending_rows(session, now)).all()
        try:
            resend = rows_to_resend(runtime, rows)
        except RedisError as exc:
            log.error("sweeper: Redis unreachable, %d rows wait: %s", len(rows), exc)
            return 0
        enqueued = set(enqueue_sends(runtime, [m.id for m in resend]))
        for message in resend:
            if message.id in enqueued:
                message.enqueued_at = utcnow()
    if enqueued:
        log.info("sweeper: enqueued %d pending texts", len(enqueued))
    return len(enqueued)


def pending_rows(session: Session, now: datetime) -> Select:
    query = (select(Message)
             .where(Message.direction == Direction.OUT, Message.status == MessageStatus.QUEUED,
                    Message.provider_sid.is_(None),
                    or_(and_(Message.enqueued_at.is_(None), Message.created_at <= now - GRACE),
                        Message.enqueued_at <= now - STALE_AFTER))
             # Never-enqueued rows first: a long backlog of retries must not starve them.
             .order_by(Message.enqueued_at.is_not(None), Message.id).limit(BATCH))
    if session.get_bind().dialect.name == "postgresql":
        # Two sweepers at once take different rows; SQLite has no row locks (one writer anyway).
        query = query.with_for_update(skip_locked=True)
    return query


def rows_to_resend(runtime: Runtime, rows: list[Message]) -> list[Message]:
    """The rows to enqueue; rows whose job RQ gave up on are marked failed instead."""
    stale = [m for m in rows if m.enqueued_at is not None]
    jobs = Job.fetch_many([send_job_id(m.id) for m in stale], connection=runtime.redis)
    job_of = {m.id: job for m, job in zip(stale, jobs)}
    resend = []
    for message in rows:
        job = job_of.get(message.id)
        if message.enqueued_at is None or job is None:
            resend.append(message)
        elif job.get_status(refresh=False) in GAVE_UP:
            ended = job.get_status(refresh=False).value
            settle_failed(message, message.error_code, message.error or f"send job {ended} in RQ")
            log.error("sweeper: message %s failed, its send job %s", message.id, ended)
    return resend

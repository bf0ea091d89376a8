"""The outbox: outbound texts are rows written with the change that caused them, and
handed to RQ only after that transaction commits.

    queue_message(session, ...)   writes the row (or a failed row for an opted-out phone)
    after commit                  enqueue_sends() puts one send job per row on the queue
    Redis down                    the row stays with enqueued_at NULL; the sweeper retries

install_outbox(runtime) wires the after-commit step to the runtime's sessions.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable, Sequence

from redis.exceptions import RedisError
from rq import Retry
from rq.exceptions import DuplicateJobError
from sqlalchemy import event, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from store.db import utcnow
from store.models import Direction, Message, MessageStatus, OptOut

if TYPE_CHECKING:
    from runtime import Runtime

log = logging.getLogger(__name__)

SEND_JOB = "confirmations.jobs.send_message"  # by name: the job module imports the runtime
SEND_JOB_TIMEOUT = 60  # seconds; the Twilio call itself times out after 10
PENDING_KEY = "onward.outbox.pending"  # session.info: ids of rows to enqueue after commit
OPTED_OUT_CODE = "21610"  # Twilio's own code for a send to an opted-out phone


def queue_message(session: Session, *, tenant: str, to: str, from_: str, body: str, purpose: str,
                  media: Sequence[str] = (), interaction_id: int | None = None) -> Message:
    """Write an outbound text in the caller's transaction; it is sent after commit."""
    message = Message(tenant=tenant, direction=Direction.OUT, to_phone=to, from_phone=from_,
                      body=body, media=list(media), purpose=purpose, status=MessageStatus.QUEUED,
                      interaction_id=interaction_id, attempts=0)
    if is_opted_out(session, tenant, to):
        # Kept as a failed row, so the operator sees the text that could not go out.
        settle_failed(message, OPTED_OUT_CODE, "recipient opted out")
    session.add(message)
    session.flush()
    if message.status == MessageStatus.QUEUED:
        session.info.setdefault(PENDING_KEY, []).append(message.id)
    return message


def is_opted_out(session: Session, tenant: str, phone: str) -> bool:
    found = session.scalar(select(OptOut.id).where(OptOut.tenant == tenant, OptOut.phone == phone))
    return found is not None


def settle_failed(message: Message, code: str | None, error: str) -> None:
    """Mark a row failed for good: kept and shown to the operator, never sent."""
    message.status = MessageStatus.FAILED
    message.error_code, message.error = code, error


def install_outbox(runtime: Runtime) -> Runtime:
    """Enqueue the rows a session wrote once it commits; forget them if it rolls back."""
    sessions = runtime.db.sessionmaker

    @event.listens_for(sessions, "after_commit")
    def enqueue_committed(session: Session) -> None:
        ids = session.info.pop(PENDING_KEY, None)
        if ids:
            mark_enqueued(runtime, enqueue_sends(runtime, ids))

    @event.listens_for(sessions, "after_rollback")
    def forget_rolled_back(session: Session) -> None:
        session.info.pop(PENDING_KEY, None)

    return runtime


def enqueue_sends(runtime: Runtime, message_ids: Iterable[int]) -> list[int]:
    """Put a send job per id on the queue; return the ids that are on it now.

    Job ids are deterministic and unique, so an id already queued (by the commit hook
    and the sweeper both) counts as enqueued. When Redis is unreachable the rest are
    left for the sweeper.
    """
    enqueued = []
    for message_id in message_ids:
        try:
            enqueue_send(runtime, message_id)
        except DuplicateJobError:
            pass
        except RedisError as exc:
            log.error("outbox: Redis unreachable, message %s left for the sweeper: %s", message_id, exc)
            break
        enqueued.append(message_id)
    return enqueued


def enqueue_send(runtime: Runtime, message_id: int) -> None:
    intervals = list(runtime.settings.send_retry_intervals)
    retry = Retry(max=len(intervals), interval=intervals) if intervals else None
    runtime.queue.enqueue(SEND_JOB, message_id, job_id=send_job_id(message_id), unique=True,
                          retry=retry, job_timeout=SEND_JOB_TIMEOUT)


def send_job_id(message_id: int) -> str:
    return f"send-{message_id}"


def mark_enqueued(runtime: Runtime, message_ids: list[int]) -> None:
    if not message_ids:
        return
    try:
        # Not runtime.db.session(): this runs while the committing session still holds
        # its SQLite writer turn (store.db), which a second turn in-process would wait on.
        with Session(runtime.db.engine) as session, session.begin():
            session.execute(update(Message).where(Message.id.in_(message_ids))
                            .values(enqueued_at=utcnow()).execution_options(synchronize_session=False))
    except SQLAlchemyError as exc:
        # The jobs are queued; without enqueued_at the sweeper only re-offers the same job ids.
        log.error("outbox: could not mark %s enqueued: %s", message_ids, exc)

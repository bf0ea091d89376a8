"""The outbox: outbound texts are rows written with the change that caused them, and
handed to RQ only after that transaction commits.

    queue_message(session, ...)        writes one row; queue_messages(session, texts) many
    opted-out phone                    the row is written failed, never sent
    unsolicited, over the rate limit   the row is written held (confirmations/throttle.py),
                                       and later goes out inside a bundle (bundles.py)
    after commit                       one send job per queued row goes on the queue
    Redis down                         the row stays with enqueued_at NULL; the sweeper retries

install_outbox(runtime) wires the after-commit step to the runtime's sessions.
"""
from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError
from sqlalchemy import event, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from confirmations.throttle import CHUNK, Ledger, Recipient, chunks, is_limited, read_ledger, texts_clock
from store.bulk import insert_rows
from store.db import utcnow
from store.models import Direction, Message, MessageStatus, OptOut

if TYPE_CHECKING:
    from runtime import Runtime

log = logging.getLogger(__name__)

SEND_JOB = "confirmations.jobs.send_message"  # by name: the job module imports the runtime
SEND_JOB_TIMEOUT = 60  # seconds; the Twilio call itself times out after 10
PENDING_KEY = "onward.outbox.pending"  # session.info: ids of rows to enqueue after commit
OPTED_OUT_CODE = "21610"  # Twilio's own code for a send to an opted-out phone
ENQUEUE_BATCH = 1000  # send jobs per Redis round trip


class Text(NamedTuple):
    """One outbound text to write."""

    tenant: str
    to: str
    from_: str
    body: str
    purpose: str  # reply | reminder | escalation | confirmation | notice | finding | digest
    media: tuple[str, ...] = ()
    interaction_id: int | None = None

    @property
    def recipient(self) -> Recipient:
        return (self.tenant, self.to)


class Queued(NamedTuple):
    id: int
    status: str  # queued, held, or failed (opted out)


def queue_message(session: Session, *, tenant: str, to: str, from_: str, body: str, purpose: str,
                  media: Sequence[str] = (), interaction_id: int | None = None,
                  now: datetime | None = None) -> Message:
    """Write an outbound text in the caller's transaction; it is sent after commit.

    `now` is the clock the rate limit counts by; by default the scheduler pass's (in a
    tick) or the real time."""
    text = Text(tenant, to, from_, body, purpose, tuple(media), interaction_id)
    (queued,) = queue_messages(session, [text], now)
    return session.get(Message, queued.id)


def queue_messages(session: Session, texts: Sequence[Text], now: datetime | None = None) -> list[Queued]:
    """queue_message for many texts at once: one query for opt-outs, one for the rate
    limit's counts, one INSERT. Returns the rows written, in the texts' order."""
    if not texts:
        return []
    now = now or texts_clock()
    recipients = {text.recipient for text in texts}
    opted_out = opted_out_among(session, recipients)
    limited = {text.recipient for text in texts if is_limited(text.purpose)}
    ledger = read_ledger(session, limited - opted_out, now)
    written = utcnow()
    return write_rows(session, [decided_row(text, opted_out, ledger, now, written) for text in texts])


def decided_row(text: Text, opted_out: Collection[Recipient], ledger: Ledger, now: datetime,
                written: datetime) -> dict[str, Any]:
    recipient = text.recipient
    if recipient in opted_out:
        # Kept as a failed row, so the operator sees the text that could not go out.
        return outbox_row(text, written, status=MessageStatus.FAILED, error_code=OPTED_OUT_CODE,
                          error="recipient opted out")
    if not is_limited(text.purpose):
        return outbox_row(text, written)
    if ledger.admit(recipient, now):
        return outbox_row(text, written, released_at=now)
    return outbox_row(text, written, status=MessageStatus.HELD)


def outbox_row(text: Text, written: datetime, *, status: str = MessageStatus.QUEUED,
               released_at: datetime | None = None, error_code: str | None = None,
               error: str | None = None) -> dict[str, Any]:
    """A messages row for `text`, written (created_at) at `written`."""
    return {"tenant": text.tenant, "direction": Direction.OUT, "to_phone": text.to,
            "from_phone": text.from_, "body": text.body, "media": list(text.media),
            "purpose": text.purpose, "status": status, "error_code": error_code, "error": error,
            "attempts": 0, "interaction_id": text.interaction_id, "released_at": released_at,
            "created_at": written, "updated_at": written}


def write_rows(session: Session, rows: Sequence[dict[str, Any]]) -> list[Queued]:
    """Insert outbox rows; the queued ones are enqueued after commit. Ids come from one
    sequence in the rows' order, so sorted ids are the rows' order."""
    ids = sorted(id_ for id_, in insert_rows(session, Message.__table__, rows, returning=("id",)))
    written = [Queued(id_, row["status"]) for id_, row in zip(ids, rows)]
    mark_pending(session, [q.id for q in written if q.status == MessageStatus.QUEUED])
    return written


def mark_pending(session: Session, message_ids: Iterable[int]) -> None:
    """Enqueue these rows' send jobs once the session commits."""
    session.info.setdefault(PENDING_KEY, []).extend(message_ids)


def opted_out_among(session: Session, recipients: Collection[Recipient]) -> set[Recipient]:
    wanted = set(recipients)
    found: set[Recipient] = set()
    for tenants in chunks(sorted({tenant for tenant, _ in wanted}), CHUNK):
        query = select(OptOut.tenant, OptOut.phone).where(OptOut.tenant.in_(tenants))
        found.update((tenant, phone) for tenant, phone in session.execute(query) if (tenant, phone) in wanted)
    return found


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
            mark_enqueued(runtime, enqueue_new_sends(runtime, ids))

    @event.listens_for(sessions, "after_rollback")
    def forget_rolled_back(session: Session) -> None:
        session.info.pop(PENDING_KEY, None)

    return runtime


def enqueue_new_sends(runtime: Runtime, message_ids: Sequence[int]) -> list[int]:
    """Put a send job per row just committed on the queue, ENQUEUE_BATCH jobs a round
    trip; return the ids that are on it. When Redis is unreachable the rest are left
    for the sweeper.

    The rows are new, so their job ids are too: no uniqueness check per job (RQ has none
    in bulk). Should the sweeper enqueue one as well, the send job's claim lets one run."""
    enqueued: list[int] = []
    retry = send_retry(runtime)
    for chunk in chunks(list(message_ids), ENQUEUE_BATCH):
        jobs = [Queue.prepare_data(SEND_JOB, (message_id,), job_id=send_job_id(message_id),
                                   retry=retry, timeout=SEND_JOB_TIMEOUT)
                for message_id in chunk]
        try:
            with runtime.redis.pipeline() as pipe:
                runtime.queue.enqueue_many(jobs, pipeline=pipe)
                pipe.execute()
        except RedisError as exc:
            log.error("outbox: Redis unreachable, %d texts left for the sweeper: %s",
                      len(message_ids) - len(enqueued), exc)
            break
        enqueued.extend(chunk)
    return enqueued


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
    runtime.queue.enqueue(SEND_JOB, message_id, job_id=send_job_id(message_id), unique=True,
                          retry=send_retry(runtime), job_timeout=SEND_JOB_TIMEOUT)


def send_retry(runtime: Runtime) -> Retry | None:
    intervals = list(runtime.settings.send_retry_intervals)
    return Retry(max=len(intervals), interval=intervals) if intervals else None


def send_job_id(message_id: int) -> str:
    return f"send-{message_id}"


def mark_enqueued(runtime: Runtime, message_ids: list[int]) -> None:
    if not message_ids:
        return
    try:
        # Not runtime.db.session(): this runs while the committing session still holds
        # its SQLite writer turn (store.db), which a second turn in-process would wait on.
        with Session(runtime.db.engine) as session, session.begin():
            for chunk in chunks(message_ids, ENQUEUE_BATCH):
                session.execute(update(Message).where(Message.id.in_(chunk))
                                .values(enqueued_at=utcnow()).execution_options(synchronize_session=False))
    except SQLAlchemyError as exc:
        # The jobs are queued; without enqueued_at the sweeper only re-offers the same job ids.
        log.error("outbox: could not mark %d texts enqueued: %s", len(message_ids), exc)

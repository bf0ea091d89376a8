"""The outbox: outbound texts are rows written with the change that caused them, and
handed to RQ only after that transaction commits.

    queue_message(session, ...)        writes one row; queue_messages(session, texts) many
    opted-out phone                    the row is written failed, never sent
    unsolicited, over the rate limit   the row is written held (confirmations/throttle.py),
                                       and later goes out inside a bundle (bundles.py)
    urgent (an operator hand-off)      never held: queued at once, and counted by the limit
    after commit                       one send job per queued row goes on the queue
                                       (store/after_commit.py, kind OUTBOX)
    Redis down, or the job lost        the row stays with enqueued_at NULL, or goes stale;
                                       the sweeper enqueues it (store/sweeper.py); a row
                                       whose job RQ gave up on is marked failed
"""
from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from rq import Retry
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from confirmations.throttle import CHUNK, Ledger, Recipient, chunks, is_limited, read_ledger, texts_clock
from store.after_commit import JobKind, enqueue_after_commit
from store.bulk import insert_rows
from store.db import utcnow
from store.models import Direction, Message, MessageStatus, OptOut

if TYPE_CHECKING:
    from runtime import Runtime

log = logging.getLogger(__name__)

SEND_JOB = "confirmations.jobs.send_message"  # by name: the job module imports the runtime
SEND_JOB_TIMEOUT = 60  # seconds; the Twilio call itself times out after 10
OPTED_OUT_CODE = "21610"  # Twilio's own code for a send to an opted-out phone
GRACE = timedelta(seconds=30)  # the sweeper leaves a row just committed to its commit hook
STALE_AFTER = timedelta(minutes=15)  # longer than any send job runs: its job may be lost


class Text(NamedTuple):
    """One outbound text to write."""

    tenant: str
    to: str
    from_: str
    body: str
    purpose: str  # reply | reminder | escalation | confirmation | notice | finding | digest
    media: tuple[str, ...] = ()
    interaction_id: int | None = None
    urgent: bool = False  # a hand-off someone is waiting on: not held by the rate limit
    channel: str = "sms"  # or call: an escalation step said by phone (confirmations/jobs.py places it)
    code: int | None = None  # a call's reply code: what its keys answer with

    @property
    def recipient(self) -> Recipient:
        return (self.tenant, self.to)


class Queued(NamedTuple):
    id: int
    status: str  # queued, held, or failed (opted out)


def queue_message(session: Session, *, tenant: str, to: str, from_: str, body: str, purpose: str,
                  media: Sequence[str] = (), interaction_id: int | None = None,
                  now: datetime | None = None, urgent: bool = False) -> Message:
    """Write an outbound text in the caller's transaction; it is sent after commit.

    `now` is the clock the rate limit counts by; by default the scheduler pass's (in a
    tick) or the real time. An `urgent` text is not held by the limit."""
    text = Text(tenant, to, from_, body, purpose, tuple(media), interaction_id, urgent)
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
    if text.urgent:
        ledger.count(recipient, now)
        return outbox_row(text, written, released_at=now)
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
            "created_at": written, "updated_at": written, "channel": text.channel, "code": text.code}


def write_rows(session: Session, rows: Sequence[dict[str, Any]]) -> list[Queued]:
    """Insert outbox rows; the queued ones are enqueued after commit. Ids come from one
    sequence in the rows' order, so sorted ids are the rows' order."""
    ids = sorted(id_ for id_, in insert_rows(session, Message.__table__, rows, returning=("id",)))
    written = [Queued(id_, row["status"]) for id_, row in zip(ids, rows)]
    mark_pending(session, [q.id for q in written if q.status == MessageStatus.QUEUED])
    return written


def mark_pending(session: Session, message_ids: Iterable[int]) -> None:
    """Enqueue these rows' send jobs once the session commits."""
    enqueue_after_commit(session, OUTBOX, message_ids)


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


def send_retry(runtime: Runtime) -> Retry | None:
    intervals = list(runtime.settings.send_retry_intervals)
    return Retry(max=len(intervals), interval=intervals) if intervals else None


def send_job_id(message_id: int, attempts: int = 0) -> str:
    return f"send-{message_id}"  # one job per row: RQ's Retry counts its attempts


def pending_rows(now: datetime) -> Select:
    """The queued rows the sweeper looks at: never enqueued (past GRACE), or enqueued so
    long ago (STALE_AFTER) that their job may be lost."""
    return (select(Message)
            .where(Message.direction == Direction.OUT, Message.status == MessageStatus.QUEUED,
                   Message.provider_sid.is_(None),
                   or_(and_(Message.enqueued_at.is_(None), Message.created_at <= now - GRACE),
                       Message.enqueued_at <= now - STALE_AFTER))
            # Never-enqueued rows first: a long backlog of retries must not starve them.
            .order_by(Message.enqueued_at.is_not(None), Message.id))


def send_given_up(message: Message, status: str) -> bool:
    """RQ gave up on the row's send job (its retries spent): the text is failed, for the operator."""
    settle_failed(message, message.error_code, message.error or f"send job {status} in RQ")
    log.error("sweeper: message %s failed, its send job %s", message.id, status)
    return True


OUTBOX = JobKind(name="outbox", model=Message, func=SEND_JOB, timeout=SEND_JOB_TIMEOUT, job_id=send_job_id,
                 due=pending_rows, gave_up=send_given_up, retry=send_retry)

"""Delivery status of outbound texts, from Twilio's status callbacks.

Callbacks come at least once and out of order, so statuses are ranked and a row only
moves forward: a late "sent" after "delivered", or the same callback twice, changes nothing.
The one way back: a first attempt that could not reach the handset (error 30003) goes back
to the outbox and is sent once more.
"""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from confirmations.outbox import mark_pending
from store.models import Direction, Message, MessageStatus as S

RANKS: dict[str, int] = {
    S.QUEUED: 0,
    S.SENDING: 1,
    S.SENT: 2,
    S.DELIVERED: 3,
    S.UNDELIVERED: 3,
    S.FAILED: 3,
}
ERROR_STATUSES = frozenset({S.UNDELIVERED, S.FAILED})
# Twilio's "unreachable destination handset" (phone off, out of coverage): worth one more try.
ONE_MORE_TRY = frozenset({"30003"})


def rank(status: str) -> int | None:
    """Where a status stands; None for words outside the order ("console", "received", ...)."""
    return RANKS.get(status)


def statuses_before(status: str) -> list[str]:
    """The statuses a row may be in for `status` to be news."""
    return [word for word, order in RANKS.items() if order < RANKS[status]]


def record_status(session: Session, *, sid: str, status: str, error_code: str | None = None) -> bool:
    """Move the outbound message with this provider sid to `status` if that is news.

    Returns whether a row changed. One conditional UPDATE, so two callbacks racing
    cannot let the older one win.
    """
    if rank(status) is None or not sid:
        return False
    if status in ERROR_STATUSES and str(error_code) in ONE_MORE_TRY and send_again(session, sid, str(error_code)):
        return True
    values: dict[str, object] = {"status": status}
    if status in ERROR_STATUSES and error_code:
        values["error_code"] = str(error_code)
    result = session.execute(
        update(Message)
        .where(Message.provider_sid == sid, Message.direction == Direction.OUT,
               Message.status.in_(statuses_before(status)))
        .values(**values)
        .execution_options(synchronize_session="fetch"))
    return result.rowcount > 0


def send_again(session: Session, sid: str, error_code: str) -> bool:
    """Put a text whose first attempt failed with `error_code` back in the outbox, to be sent
    once more after commit. A second attempt that fails the same way stays failed."""
    message_id = session.execute(
        update(Message)
        .where(Message.provider_sid == sid, Message.direction == Direction.OUT, Message.attempts == 1,
               Message.status.in_(statuses_before(S.UNDELIVERED)))
        .values(status=S.QUEUED, provider_sid=None, enqueued_at=None, error_code=error_code,
                error=f"error {error_code} on the first attempt: sending once more")
        .returning(Message.id)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    if message_id is None:
        return False
    mark_pending(session, [message_id])
    return True

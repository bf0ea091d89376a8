"""The RQ job that sends one outbox row.

    claim      check the row is still to send (and the phone not opted out since),
               then count the attempt and mark the row attempting (attempted_at), in
               its own committed transaction before the provider is called; a duplicate
               job running at once backs off
    reconcile  a row that was already attempting had an attempt end without an answer
               (its worker killed mid-call, a timeout): the provider may have the text.
               Look it up (runtime.messaging.find_sent) and adopt its sid if found
    send       otherwise, through runtime.messaging, outside any transaction (a row on
               channel call is a phone call placed, its TwiML at /twilio/voice/escalation)
    settle     store sid and status; or the error: temporary ones are raised again
               while RQ has retries left (30003, an unreachable handset, once), then
               the row is marked failed. The attempting mark is cleared unless the
               outcome is unknown (OutcomeUnknown), so the next attempt reconciles first

RQ re-runs a job whose worker died (at least once); the mark is what makes that retry
send the text at most once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from rq import get_current_job
from sqlalchemy import func, select, update

from confirmations.outbox import OPTED_OUT_CODE, is_opted_out, settle_failed
from confirmations.status import ONE_MORE_TRY, rank
from integrations.errors import IntegrationError, OutcomeUnknown, PermanentError, TemporaryError
from integrations.messaging import SendResult
from runtime import Runtime, current_runtime
from store.db import utcnow
from store.models import Direction, Message, MessageStatus

log = logging.getLogger(__name__)

STATUS_CALLBACK_PATH = "/twilio/status"
CALL_PATH = "/twilio/voice/escalation"  # what a call placed for an escalation says (conversation/)


@dataclass(frozen=True)
class Outgoing:
    """What one attempt sends: a copy of the claimed row, so no ORM object outlives its session."""

    id: int
    to: str
    from_: str
    body: str
    media: tuple[str, ...]
    attempt: int  # 1 for the first
    unanswered_since: datetime | None  # an earlier attempt that ended without an answer began then
    channel: str = "sms"  # or call


def send_message(message_id: int) -> str:
    """Send outbox row `message_id`; return what became of it (for RQ's result)."""
    runtime = current_runtime()
    outgoing = claim(runtime, message_id)
    if outgoing is None:
        return "skipped"
    try:
        found = reconcile(runtime, outgoing) if outgoing.unanswered_since else None
        if found is not None:
            record_sent(runtime, message_id, found)
            return "adopted"
        result = deliver(runtime, outgoing)
    except PermanentError as exc:
        mark_failed(runtime, message_id, exc)
        return "failed"
    except TemporaryError as exc:
        if has_retries_left() and not (exc.code in ONE_MORE_TRY and outgoing.attempt > 1):
            record_error(runtime, message_id, exc)
            raise
        mark_failed(runtime, message_id, exc)
        return "failed"
    record_sent(runtime, message_id, result)
    return result.status


def claim(runtime: Runtime, message_id: int) -> Outgoing | None:
    with runtime.db.session() as session:
        message = session.get(Message, message_id)
        if not is_sendable(message):
            log.info("send %s: nothing to do", message_id)
            return None
        if is_opted_out(session, message.tenant, message.to_phone):
            settle_failed(message, OPTED_OUT_CODE, "recipient opted out")
            return None
        # Conditional on the attempts we saw: of two copies of this job, one wins. The
        # mark keeps the earliest unanswered attempt's time: the lookup searches from it.
        won = session.execute(
            update(Message)
            .where(Message.id == message_id, Message.attempts == message.attempts,
                   Message.status == MessageStatus.QUEUED, Message.provider_sid.is_(None))
            .values(attempts=Message.attempts + 1,
                    attempted_at=func.coalesce(Message.attempted_at, utcnow()))
            .execution_options(synchronize_session=False)).rowcount
        if not won:
            return None
        return Outgoing(message.id, message.to_phone, message.from_phone, message.body,
                        tuple(message.media or ()), message.attempts + 1, message.attempted_at, message.channel)


def deliver(runtime: Runtime, outgoing: Outgoing) -> SendResult:
    """The text sent, or the call placed (recorded as sent once Twilio has it)."""
    if outgoing.channel != "call":
        return runtime.messaging.send(to=outgoing.to, from_=outgoing.from_, body=outgoing.body,
                                      media=outgoing.media, status_callback=status_callback(runtime))
    url = f"{runtime.settings.public_base_url}{CALL_PATH}?message={outgoing.id}"
    placed = runtime.messaging.call(to=outgoing.to, from_=outgoing.from_, url=url)
    return placed if placed.status == MessageStatus.CONSOLE else replace(placed, status=MessageStatus.SENT)


def reconcile(runtime: Runtime, outgoing: Outgoing) -> SendResult | None:
    """The text an unanswered earlier attempt got to the provider, if it did: the oldest
    match no other row has adopted (two rows may carry the same words)."""
    try:
        if outgoing.channel == "call":
            found = runtime.messaging.find_calls(to=outgoing.to, from_=outgoing.from_, since=outgoing.unanswered_since)
        else:
            found = runtime.messaging.find_sent(to=outgoing.to, from_=outgoing.from_, body=outgoing.body,
                                                since=outgoing.unanswered_since)
    except IntegrationError as exc:  # the earlier attempt's outcome is still unknown
        raise OutcomeUnknown(f"looking for an earlier attempt: {exc}", code=exc.code) from exc
    if not found:
        log.info("send %s: an earlier attempt did not reach the provider: sending", outgoing.id)
        return None
    with runtime.db.session() as session:
        taken = set(session.scalars(select(Message.provider_sid)
                                    .where(Message.provider_sid.in_([f.sid for f in found]))))
    adopted = next((f for f in found if f.sid not in taken), None)
    if adopted is None:
        return None
    log.warning("send %s: an earlier attempt reached the provider as %s: adopted, not sent again",
                outgoing.id, adopted.sid)
    return replace(adopted, status=MessageStatus.SENT) if outgoing.channel == "call" else adopted


def is_sendable(message: Message | None) -> bool:
    return (message is not None and message.direction == Direction.OUT
            and message.status == MessageStatus.QUEUED and message.provider_sid is None)


def status_callback(runtime: Runtime) -> str | None:
    # Only Twilio calls back; the console sender has nowhere to send a status from.
    if runtime.messaging.name != "twilio":
        return None
    return runtime.settings.public_base_url + STATUS_CALLBACK_PATH


def has_retries_left() -> bool:
    job = get_current_job()
    return bool(job is not None and job.retries_left)


def record_sent(runtime: Runtime, message_id: int, result: SendResult) -> None:
    with runtime.db.session() as session:
        message = session.get(Message, message_id)
        message.provider_sid = result.sid
        # Twilio may answer with a word outside our order ("accepted"): the row stays queued.
        if result.status == MessageStatus.CONSOLE or rank(result.status) is not None:
            message.status = result.status
        message.error_code = message.error = message.attempted_at = None
    log.info("send %s: %s (%s)", message_id, result.status, result.sid)


def record_error(runtime: Runtime, message_id: int, exc: IntegrationError) -> None:
    with runtime.db.session() as session:
        message = session.get(Message, message_id)
        message.error_code, message.error = exc.code, str(exc)
        settle_attempt(message, exc)
    log.warning("send %s: temporary failure, RQ will retry: %s", message_id, exc)


def mark_failed(runtime: Runtime, message_id: int, exc: IntegrationError) -> None:
    with runtime.db.session() as session:
        message = session.get(Message, message_id)
        settle_failed(message, exc.code, str(exc))
        settle_attempt(message, exc)
    log.error("send %s: failed for good: %s", message_id, exc)


def settle_attempt(message: Message, exc: IntegrationError) -> None:
    """The provider answered with an error: this attempt sent nothing, the row is no
    longer attempting. Without an answer it stays so, and the next attempt looks first."""
    if not isinstance(exc, OutcomeUnknown):
        message.attempted_at = None

"""Taking in one Interaction: persist it, answer it once, replay the answer on retries.

The interaction row, the inbound message, the agents' changes, the reply and any
outbox rows are committed in one transaction, so an accepted webhook is never half done.
"""
from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from agents.context import ExecutionContext, Interaction
from config.schema import Tenant
from routing.router import handle_interaction
from routing.tenants import resolve_actor
from runtime import Runtime
from store.models import Direction, Interaction as InteractionRow, Message, MessageStatus

log = logging.getLogger(__name__)
Render = Callable[[ExecutionContext], str]


def take_in(runtime: Runtime, tenant: Tenant, interaction: Interaction, render: Render) -> str:
    """The rendered answer to an interaction, computed once per provider key."""
    try:
        with runtime.db.session() as session:
            row = _record(session, tenant, interaction)
            ctx = handle_interaction(session, tenant, interaction, row.id, interaction.received_at)
            row.reply = render(ctx)
            _record_replies(session, tenant, interaction, row.id, ctx.replies)
            return row.reply
    except IntegrityError:
        # A retry of an event already taken in (or being taken in by another request,
        # which then waited for it to commit): answer as it was answered.
        log.info("replay of %s answered from the record", interaction.provider_key)
        return stored_reply(runtime, interaction.provider_key) or ""


def stored_reply(runtime: Runtime, provider_key: str) -> str | None:
    with runtime.db.session() as session:
        query = select(InteractionRow.reply).where(InteractionRow.provider_key == provider_key)
        return session.execute(query).scalar_one_or_none()


def _record(session, tenant: Tenant, interaction: Interaction) -> InteractionRow:
    actor = resolve_actor(tenant, interaction.from_phone)
    row = InteractionRow(
        tenant=tenant.tenant, provider_key=interaction.provider_key, channel=interaction.channel,
        from_phone=interaction.from_phone, to_phone=interaction.to_phone, text=interaction.text,
        media=[asdict(m) for m in interaction.media], actor_kind=actor.kind, actor_id=actor.id,
        received_at=interaction.received_at, raw=interaction.raw)
    session.add(row)
    session.flush()  # a replayed provider key fails here, before anything else is done
    if interaction.channel in ("sms", "mms"):
        session.add(Message(
            tenant=tenant.tenant, direction=Direction.IN, to_phone=interaction.to_phone,
            from_phone=interaction.from_phone, body=interaction.text,
            media=[m.url for m in interaction.media], purpose="reply",
            status=MessageStatus.RECEIVED, provider_sid=interaction.raw.get("MessageSid"),
            interaction_id=row.id, created_at=interaction.received_at))
    return row


def _record_replies(session, tenant: Tenant, interaction: Interaction, interaction_id: int,
                    replies: list[str]) -> None:
    if interaction.channel not in ("sms", "mms"):
        return
    for body in replies:
        # Twilio sends a TwiML reply itself; it is on record as sent with the answer.
        session.add(Message(
            tenant=tenant.tenant, direction=Direction.OUT, to_phone=interaction.from_phone,
            from_phone=interaction.to_phone, body=body, media=[], purpose="reply",
            status=MessageStatus.SENT, interaction_id=interaction_id,
            created_at=interaction.received_at))

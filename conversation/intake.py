"""Taking in one Interaction: persist it, answer it once, replay the answer on retries.

The interaction row, the inbound message, the agents' changes, the reply and any
outbox rows are committed in one transaction, so an accepted webhook is never half done.
"""
from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Callable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agents.context import ExecutionContext, Interaction
from config.schema import Tenant
from integrations.media import Fetched, fetch_ahead
from routing.router import handle_interaction
from routing.tenants import resolve_actor
from runtime import Runtime
from store.models import Direction, Interaction as InteractionRow, Message, MessageStatus

INTERACTIONS = InteractionRow.__table__
MESSAGES = Message.__table__
RECORD = insert(INTERACTIONS)
ANSWER = update(INTERACTIONS).where(INTERACTIONS.c.id == bindparam("interaction_id")).values(
    reply=bindparam("reply"))
STORED_REPLY = select(INTERACTIONS.c.reply).where(INTERACTIONS.c.provider_key == bindparam("key"))

log = logging.getLogger(__name__)
Render = Callable[[ExecutionContext], str]


def take_in(runtime: Runtime, tenant: Tenant, interaction: Interaction, render: Render) -> str:
    """The rendered answer to an interaction, computed once per provider key."""
    fetched = _photos_ahead(runtime, tenant, interaction)
    try:
        with runtime.db.session() as session:
            interaction_id = _record(session, tenant, interaction)
            ctx = handle_interaction(session, tenant, interaction, interaction_id, interaction.received_at,
                                     fetched)
            reply = render(ctx)
            _record_answer(session, tenant, interaction, interaction_id, ctx.replies, reply)
            return reply
    except IntegrityError:
        # A retry of an event already taken in (or being taken in by another request,
        # which then waited for it to commit): answer as it was answered.
        log.info("replay of %s answered from the record", interaction.provider_key)
        return stored_reply(runtime, interaction.provider_key) or ""


def _photos_ahead(runtime: Runtime, tenant: Tenant, interaction: Interaction) -> Fetched:
    """The photo a person's MMS proves a run with (its first), fetched before the transaction:
    a slow download (up to 8 s) then holds no lock, and keeps no other webhook waiting."""
    if not interaction.media or resolve_actor(tenant, interaction.from_phone).person is None:
        return {}
    url = interaction.media[0].url
    return {url: fetch_ahead(url, runtime.settings)}


def stored_reply(runtime: Runtime, provider_key: str) -> str | None:
    with runtime.db.session() as session:
        return session.connection().execute(STORED_REPLY, {"key": provider_key}).scalar_one_or_none()


# The rows every webhook writes go in as prepared statements (see store/statements.py):
# the ORM's unit of work costs more than the inserts, and SQLite serialises writers.
def _record(session: Session, tenant: Tenant, interaction: Interaction) -> int:
    """Insert the interaction row; a replayed provider key fails here, before anything is done."""
    actor = resolve_actor(tenant, interaction.from_phone)
    inserted = session.connection().execute(RECORD, {
        "tenant": tenant.tenant, "provider_key": interaction.provider_key, "channel": interaction.channel,
        "from_phone": interaction.from_phone, "to_phone": interaction.to_phone, "text": interaction.text,
        "media": [asdict(m) for m in interaction.media], "actor_kind": actor.kind, "actor_id": actor.id,
        "received_at": interaction.received_at, "raw": interaction.raw})
    return inserted.inserted_primary_key[0]


def _record_answer(session: Session, tenant: Tenant, interaction: Interaction, interaction_id: int,
                   replies: list[str], reply: str) -> None:
    """Store the answer for replays, and the text in and the replies out for texts."""
    connection = session.connection()
    connection.execute(ANSWER, {"interaction_id": interaction_id, "reply": reply})
    if interaction.channel not in ("sms", "mms"):
        return
    common = {"tenant": tenant.tenant, "interaction_id": interaction_id, "purpose": "reply",
              "created_at": interaction.received_at, "updated_at": interaction.received_at,
              "attempts": 0}
    texts = [{**common, "direction": Direction.IN, "to_phone": interaction.to_phone,
              "from_phone": interaction.from_phone, "body": interaction.text,
              "media": [m.url for m in interaction.media], "status": MessageStatus.RECEIVED,
              "provider_sid": interaction.raw.get("MessageSid")}]
    # Twilio sends a TwiML reply itself; it is on record as sent with the answer.
    texts += [{**common, "direction": Direction.OUT, "to_phone": interaction.from_phone,
               "from_phone": interaction.to_phone, "body": body, "media": [],
               "status": MessageStatus.SENT, "provider_sid": None} for body in replies]
    connection.execute(insert(MESSAGES), texts)

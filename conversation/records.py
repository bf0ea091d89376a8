"""The rows a webhook writes for an interaction, as prepared statements (store/statements.py):
the ORM's unit of work costs more than the inserts, and SQLite serialises writers.

    record(session, tenant, interaction)         the interaction row: its id, None for a replay
    record_answer(session, ..., replies, reply)  the answer kept for replays, the texts in and out
    stored_reply(session, provider_key)          the answer on record, None when never taken in
    add_step(session, provider_key, step)        a step added to the trace of an interaction taken in
"""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from agents.context import Interaction, Step
from config.schema import Tenant
from routing.tenants import resolve_actor
from store.models import Direction, Execution, Interaction as InteractionRow, Message, MessageStatus
from store.statements import insert_new

INTERACTIONS = InteractionRow.__table__
MESSAGES = Message.__table__
ANSWER = update(INTERACTIONS).where(INTERACTIONS.c.id == bindparam("interaction_id")).values(
    reply=bindparam("reply"))
STORED_REPLY = select(INTERACTIONS.c.reply).where(INTERACTIONS.c.provider_key == bindparam("key"))


def stored_reply(session: Session, provider_key: str) -> str | None:
    """The answer on record for a provider key; None when it was never taken in."""
    row = session.connection().execute(STORED_REPLY, {"key": provider_key}).first()
    return None if row is None else row.reply or ""


def record(session: Session, tenant: Tenant, interaction: Interaction) -> int | None:
    """Insert the interaction row and return its id; None when its provider key is on record
    already (PostgreSQL waits here for a copy being taken in to commit)."""
    actor = resolve_actor(tenant, interaction.from_phone)
    statement = insert_new(session, INTERACTIONS, ("provider_key",), ("id",))
    return session.connection().execute(statement, {
        "tenant": tenant.tenant, "provider_key": interaction.provider_key, "channel": interaction.channel,
        "from_phone": interaction.from_phone, "to_phone": interaction.to_phone, "text": interaction.text,
        "media": [asdict(m) for m in interaction.media], "actor_kind": actor.kind, "actor_id": actor.id,
        "received_at": interaction.received_at, "raw": interaction.raw}).scalar_one_or_none()


def record_answer(session: Session, tenant: Tenant, interaction: Interaction, interaction_id: int,
                  replies: list[str], reply: str, status: str = MessageStatus.RECEIVED) -> None:
    """Store the answer for replays, and the text in (with `status`) and the replies out for texts."""
    connection = session.connection()
    connection.execute(ANSWER, {"interaction_id": interaction_id, "reply": reply})
    if interaction.channel not in ("sms", "mms"):
        return
    common = {"tenant": tenant.tenant, "interaction_id": interaction_id, "purpose": "reply",
              "created_at": interaction.received_at, "updated_at": interaction.received_at,
              "attempts": 0}
    texts = [{**common, "direction": Direction.IN, "to_phone": interaction.to_phone,
              "from_phone": interaction.from_phone, "body": interaction.text,
              "media": [m.url for m in interaction.media], "status": status,
              "provider_sid": interaction.raw.get("MessageSid")}]
    # Twilio sends a TwiML reply itself; it is on record as sent with the answer.
    texts += [{**common, "direction": Direction.OUT, "to_phone": interaction.from_phone,
               "from_phone": interaction.to_phone, "body": body, "media": [],
               "status": MessageStatus.SENT, "provider_sid": None} for body in replies]
    connection.execute(insert(MESSAGES), texts)


def add_step(session: Session, provider_key: str, step: Step) -> None:
    """Add a step to the execution trace of an interaction already taken in (on a call: what the
    caller heard of an answer they interrupted); nothing when it has none."""
    query = (select(Execution).join(InteractionRow, Execution.interaction_id == InteractionRow.id)
             .where(InteractionRow.provider_key == provider_key).order_by(Execution.id.desc()).limit(1))
    execution = session.scalar(query)
    if execution is not None:
        execution.steps = [*execution.steps, vars(step)]

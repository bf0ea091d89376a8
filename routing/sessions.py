"""Conversation sessions: where a conversation with one phone stands, per tenant.

Read once and written once per interaction with plain statements: this is on every
webhook's path, and a single upsert keeps two first messages from one phone apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ConversationSession
from store.statements import upsertable_insert

# A conversation left this long starts fresh: yesterday's half-made booking is not today's.
SESSION_LIFETIME = timedelta(days=1)
SESSIONS = ConversationSession.__table__


@dataclass
class Conversation:
    state: str = "idle"
    slots: dict[str, Any] = field(default_factory=dict)


def load_session(session: Session, tenant: str, phone: str, now: datetime) -> Conversation:
    query = select(SESSIONS.c.state, SESSIONS.c.slots, SESSIONS.c.updated_at).where(
        SESSIONS.c.tenant == tenant, SESSIONS.c.phone == phone)
    row = session.connection().execute(query).first()
    if row is None or now - row.updated_at > SESSION_LIFETIME:
        return Conversation()
    return Conversation(state=row.state, slots=dict(row.slots or {}))


def save_session(session: Session, tenant: str, phone: str, convo: Conversation, now: datetime) -> None:
    values = {"state": convo.state, "slots": dict(convo.slots), "updated_at": now}
    insert = upsertable_insert(session, SESSIONS).values(tenant=tenant, phone=phone, **values)
    session.connection().execute(insert.on_conflict_do_update(index_elements=["tenant", "phone"], set_=values))


"""Conversation sessions: where a conversation with one phone stands, per tenant.

Read once and written once per interaction with prepared statements: this is on every
webhook's path, and a single upsert keeps two first messages from one phone apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from store.models import ConversationSession
from store.statements import upsert

# A conversation left this long starts fresh: yesterday's half-made booking is not today's.
SESSION_LIFETIME = timedelta(days=1)
SESSIONS = ConversationSession.__table__
LOAD = select(SESSIONS.c.state, SESSIONS.c.slots, SESSIONS.c.updated_at).where(
    SESSIONS.c.tenant == bindparam("tenant"), SESSIONS.c.phone == bindparam("phone"))


@dataclass
class Conversation:
    state: str = "idle"
    slots: dict[str, Any] = field(default_factory=dict)


def load_session(session: Session, tenant: str, phone: str, now: datetime) -> Conversation:
    row = session.connection().execute(LOAD, {"tenant": tenant, "phone": phone}).first()
    if row is None or now - row.updated_at > SESSION_LIFETIME:
        return Conversation()
    return Conversation(state=row.state, slots=dict(row.slots or {}))


def save_session(session: Session, tenant: str, phone: str, convo: Conversation, now: datetime) -> None:
    statement = upsert(session, SESSIONS, ("tenant", "phone"), ("state", "slots", "updated_at"))
    session.connection().execute(statement, {"tenant": tenant, "phone": phone, "state": convo.state,
                                             "slots": dict(convo.slots), "updated_at": now})

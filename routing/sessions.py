"""Conversation sessions: where a conversation with one phone stands, per tenant."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ConversationSession

# A conversation left this long starts fresh: yesterday's half-made booking is not today's.
SESSION_LIFETIME = timedelta(days=1)


def load_session(session: Session, tenant: str, phone: str, now: datetime) -> ConversationSession:
    query = select(ConversationSession).where(ConversationSession.tenant == tenant,
                                              ConversationSession.phone == phone)
    convo = session.scalar(query)
    if convo is None:
        convo = ConversationSession(tenant=tenant, phone=phone, state="idle", slots={}, updated_at=now)
        session.add(convo)
    elif now - convo.updated_at > SESSION_LIFETIME:
        convo.state, convo.slots = "idle", {}
    return convo


def save_session(convo: ConversationSession, state: str, slots: dict, now: datetime) -> None:
    convo.state, convo.slots, convo.updated_at = state, dict(slots), now

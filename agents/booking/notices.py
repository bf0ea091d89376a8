"""Texts that go out beside the reply, through the outbox in the caller's transaction:
the operator's notices and the customer's confirmations and reminders."""
from __future__ import annotations

from sqlalchemy.orm import Session

from config.schema import Person, Tenant
from confirmations.outbox import queue_message


def operator_of(tenant: Tenant) -> Person | None:
    """The tenant's operator, or its owner when no operator is named."""
    named = tenant.person(tenant.operator) if tenant.operator else None
    return named or next((p for p in tenant.people if p.role == "owner"), None)


def tell_operator(session: Session, tenant: Tenant, body: str, interaction_id: int | None = None,
                  urgent: bool = False) -> bool:
    """Text the operator. `urgent`: a hand-off someone waits on (a customer asking for a
    person, a cancellation, a write that failed), which the rate limit never holds; routine
    notices (a new booking, a move) may wait and go out in a bundle."""
    operator = operator_of(tenant)
    if operator is None:
        return False
    queue_message(session, tenant=tenant.tenant, to=operator.phone, from_=tenant.numbers[0], body=body,
                  purpose="notice", interaction_id=interaction_id, urgent=urgent)
    return True


def text_customer(session: Session, tenant: Tenant, phone: str, body: str, purpose: str,
                  interaction_id: int | None = None) -> None:
    queue_message(session, tenant=tenant.tenant, to=phone, from_=tenant.numbers[0], body=body,
                  purpose=purpose, interaction_id=interaction_id)

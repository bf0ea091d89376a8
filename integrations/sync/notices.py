"""The texts integration jobs send: the deposit link to the customer, and the operator's
notice when an outside write keeps failing. All under 320 characters."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from agents.booking.lifecycle import service_of
from agents.templates.words import Words, money
from agents.booking.notices import tell_operator
from config.schema import Tenant
from confirmations.length import shorten
from confirmations.outbox import queue_message
from store.models import Booking

log = logging.getLogger(__name__)

STEP_WORDS = {
    "crm.upsert_contact": "update the CRM",
    "payments.request_deposit": "create the deposit payment link",
}


def service_name(tenant: Tenant, service_id: str) -> str:
    service = service_of(tenant, service_id)
    return service.name if service else service_id


def queue_deposit_link(session: Session, tenant: Tenant, booking: Booking, phone: str, url: str,
                       expires_at: datetime, lang: str | None = None) -> None:
    """The deposit link, in the customer's language."""
    w = Words(tenant, lang or "en")
    body = w("deposit_link", business=tenant.name, service=service_name(tenant, booking.service),
             when=w.when(booking.start), deposit=money(booking.deposit), by=w.clock_at(expires_at), url=url)
    queue_message(session, tenant=tenant.tenant, to=phone, from_=tenant.numbers[0], body=body,
                  purpose="confirmation")


def queue_failure_notice(session: Session, tenant: Tenant, booking: Booking, step: str,
                         attempts: int, error: str) -> None:
    """Text the operator (or the owner) that a write to an outside system failed for good."""
    tries = "1 try" if attempts == 1 else f"{attempts} tries"
    body = shorten(f"Onward: could not {STEP_WORDS.get(step, step)} for booking #{booking.id} "
                   f"({service_name(tenant, booking.service)}, {Words(tenant).when(booking.start)}) after {tries}: "
                   f"{error[:90]}. The booking is kept; please handle it by hand.", 320)
    if not tell_operator(session, tenant, body, urgent=True):
        log.error("%s has no operator or owner to tell: %s", tenant.tenant, body)

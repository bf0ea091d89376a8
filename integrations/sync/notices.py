"""The texts integration jobs send: the deposit link to the customer, and the operator's
notice when an outside write keeps failing. All under 320 characters."""
from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from config.schema import Tenant
from confirmations.outbox import queue_message
from store.models import Booking

log = logging.getLogger(__name__)

STEP_WORDS = {
    "crm.upsert_contact": "update the CRM",
    "payments.request_deposit": "create the deposit payment link",
}


def when(tenant: Tenant, at: datetime) -> str:
    local = at.astimezone(tenant.zone)
    return f"{local:%a %b} {local.day} at {local:%I:%M %p}".replace(" 0", " ")


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def service_name(tenant: Tenant, service_id: str) -> str:
    service = next((s for s in tenant.services if s.id == service_id), None)
    return service.name if service else service_id


def queue_deposit_link(session: Session, tenant: Tenant, booking: Booking, phone: str, url: str,
                       expires_at: datetime) -> None:
    body = (f"{tenant.name}: to confirm your {service_name(tenant, booking.service)} on "
            f"{when(tenant, booking.start)}, pay the {money(booking.deposit)} deposit by "
            f"{expires_at.astimezone(tenant.zone):%I:%M %p}".replace(" 0", " ") + f": {url}")
    queue_message(session, tenant=tenant.tenant, to=phone, from_=tenant.numbers[0], body=body,
                  purpose="confirmation")


def queue_failure_notice(session: Session, tenant: Tenant, booking: Booking, step: str,
                         attempts: int, error: str) -> None:
    """Text the operator (or the owner) that a write to an outside system failed for good."""
    tries = "1 try" if attempts == 1 else f"{attempts} tries"
    tell_operator(session, tenant, f"Onward: could not {STEP_WORDS.get(step, step)} for booking "
                  f"#{booking.id} ({service_name(tenant, booking.service)}, {when(tenant, booking.start)}) "
                  f"after {tries}: {error[:90]}. The booking is kept; please handle it by hand.")


def tell_operator(session: Session, tenant: Tenant, body: str) -> None:
    """A notice to the operator, or the owner when there is no operator."""
    phone = operator_phone(tenant)
    if phone is None:
        log.error("%s has no operator or owner to tell: %s", tenant.tenant, body)
        return
    queue_message(session, tenant=tenant.tenant, to=phone, from_=tenant.numbers[0], body=body[:320],
                  purpose="notice")


def operator_phone(tenant: Tenant) -> str | None:
    person = tenant.person(tenant.operator) if tenant.operator else None
    if person is None:
        person = next((p for p in tenant.people if p.role == "owner"), None)
    return person.phone if person else None

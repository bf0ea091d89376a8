"""The payment provider's webhook: POST /payments/stripe/<tenant>.

    unsigned, forged, stale (older than 5 minutes: a replay) or unreadable  -> 400, nothing changes
    an event seen before (Stripe delivers at least once)                     -> 200, nothing changes
    checkout.session.completed, paid, for a booking of this tenant           -> the booking is confirmed
    anything else                                                            -> 200, recorded, ignored

GET /payments/done is where the payment page sends the customer back.
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config.schema import Tenant
from integrations.payments import InvalidWebhook, PaymentEventInfo, make_payments
from integrations.sync import queue_booking_sync
from agents.booking.notices import tell_operator
from runtime import current_runtime
from store.db import utcnow
from store.models import Booking, PaymentEvent

log = logging.getLogger(__name__)
payments = Blueprint("payments", __name__, url_prefix="/payments")


@payments.post("/stripe/<tenant_id>")
def stripe_webhook(tenant_id: str):
    runtime = current_runtime()
    tenant = runtime.tenants.get(tenant_id)
    if tenant is None or tenant.integrations.stripe is None:
        return jsonify(error=f"no Stripe payments for tenant {tenant_id!r}"), 404
    provider = make_payments(tenant, runtime.settings)
    try:
        event = provider.parse_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except InvalidWebhook as exc:
        log.warning("stripe webhook for %s refused: %s", tenant_id, exc)
        return jsonify(error=str(exc)), 400
    try:
        with runtime.db.session() as session:
            outcome = take_payment_event(session, tenant, provider.name, event, utcnow())
    except IntegrityError:  # the same event, delivered twice at once: the other copy won
        outcome = "duplicate"
    log.info("stripe webhook %s (%s) for %s: %s", event.event_id, event.kind, tenant_id, outcome)
    return jsonify(received=True, outcome=outcome)


def take_payment_event(session: Session, tenant: Tenant, provider: str, event: PaymentEventInfo,
                       now: datetime) -> str:
    """Record the event once and act on it; return what it did."""
    seen = session.scalar(select(PaymentEvent.id).where(PaymentEvent.provider == provider,
                                                        PaymentEvent.event_id == event.event_id))
    if seen is not None:
        return "duplicate"
    record = PaymentEvent(tenant=tenant.tenant, provider=provider, event_id=event.event_id,
                          kind=event.kind[:64], booking_id=None, outcome="received", received_at=now)
    session.add(record)
    session.flush()  # claims the event id before anything else happens
    booking = paid_booking(session, tenant, event)
    record.booking_id = booking.id if booking else None
    record.outcome = settle_paid(session, tenant, booking, event, now) if booking else "ignored"
    return record.outcome


def paid_booking(session: Session, tenant: Tenant, event: PaymentEventInfo) -> Booking | None:
    """The booking a paid event is for, when it is one of this tenant's; None otherwise."""
    if not event.paid or event.tenant != tenant.tenant or event.booking_id is None:
        return None
    return session.scalar(select(Booking).where(Booking.id == event.booking_id,
                                                Booking.tenant == tenant.tenant))


def settle_paid(session: Session, tenant: Tenant, booking: Booking, event: PaymentEventInfo,
                now: datetime) -> str:
    if event.amount is not None and event.amount < booking.deposit:
        tell_operator(session, tenant, f"Onward: a payment of ${event.amount:.2f} came in for booking "
                      f"#{booking.id}, less than its ${booking.deposit:.2f} deposit; it is not confirmed. "
                      f"Please check it in Stripe ({event.reference}).", urgent=True)
        return "underpaid"
    from agents.booking.lifecycle import confirm_paid_booking  # the booking engine decides

    confirmed = confirm_paid_booking(session, tenant, booking.id, now)
    if confirmed is None or confirmed.state != "confirmed":
        return "not confirmed"
    queue_booking_sync(session, tenant, confirmed, "paid", now)  # the CRM hears it is confirmed
    return "confirmed"


@payments.get("/done")
def payment_done():
    return ("Thank you. Your payment is being confirmed: you will get a text when your "
            "booking is confirmed.", 200, {"Content-Type": "text/plain; charset=utf-8"})

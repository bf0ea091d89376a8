"""Deposits through Stripe Checkout, with the official stripe library.

    request_deposit   POST /v1/checkout/sessions (mode payment, one line for the deposit,
                      the booking in metadata, expires_at, Idempotency-Key)
    parse_webhook     stripe.WebhookSignature.verify_header: the Stripe-Signature header's HMAC
                      and its timestamp (5 minutes' tolerance) are checked
    STRIPE_API_BASE   sends API calls to a Stripe-compatible server (local tests)

Stripe's errors, translated at this edge:
    connection errors, 429, 5xx, APIError  -> TemporaryError
    any other StripeError (400, 401, 402, 403, 404, idempotency conflicts) -> PermanentError
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from decimal import Decimal

import stripe

from config.schema import StripePayments as StripeConfig
from config.settings import Settings
from integrations.errors import IntegrationError, PermanentError, TemporaryError
from integrations.payments import DepositRequest, InvalidWebhook, PaymentEventInfo, PaymentLink, Payments
from store.models import MAX_ROW_ID

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds
TOLERANCE = 300  # seconds a webhook signature stays good: older deliveries are replays
PAID_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
# Currencies Stripe counts in whole units (docs: "zero-decimal currencies").
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
DONE_PATH = "/payments/done"


class StripePayments(Payments):
    name = "stripe"

    def __init__(self, config: StripeConfig, settings: Settings, *, timeout: float = DEFAULT_TIMEOUT):
        self.config = config
        self.done_url = settings.public_base_url + DONE_PATH
        base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
        self.client = stripe.StripeClient(config.secret_key, base_addresses=base, max_network_retries=0,
                                          http_client=stripe.RequestsClient(timeout=timeout))

    def request_deposit(self, request: DepositRequest, *, idempotency_key: str) -> PaymentLink:
        try:
            session = self.client.v1.checkout.sessions.create(
                params=self.checkout_params(request), options={"idempotency_key": idempotency_key})
        except stripe.StripeError as exc:
            raise translate_error(exc) from exc
        data = session.to_dict()
        if not data.get("id") or not data.get("url"):
            raise PermanentError(f"Stripe checkout session {data.get('id')} has no url")
        expires = datetime.fromtimestamp(data.get("expires_at") or request.expires_at.timestamp(), timezone.utc)
        log.info("stripe: checkout session %s for booking %s", data["id"], request.booking_id)
        return PaymentLink(reference=data["id"], url=data["url"], expires_at=expires)

    def checkout_params(self, request: DepositRequest) -> dict:
        metadata = {"onward_tenant": request.tenant, "onward_booking_id": str(request.booking_id)}
        return {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": self.config.currency, "unit_amount": minor_units(request.amount, self.config.currency),
                "product_data": {"name": request.description}}}],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "client_reference_id": f"{request.tenant}-{request.booking_id}",
            "expires_at": int(request.expires_at.timestamp()),
            "success_url": self.config.success_url or self.done_url,
            "cancel_url": self.config.cancel_url or self.done_url,
        }

    def parse_webhook(self, payload: bytes, signature: str | None) -> PaymentEventInfo:
        if not signature:
            raise InvalidWebhook("no Stripe-Signature header")
        try:
            # The header's HMAC and age, as stripe.Webhook.construct_event checks them; the body
            # is read here, since a signed body may still be no event (construct_event then fails).
            stripe.WebhookSignature.verify_header(payload, signature, self.config.webhook_secret,
                                                  tolerance=TOLERANCE)
            event = json.loads(payload.decode("utf-8"))
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"signature refused: {exc.user_message or exc}") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidWebhook("body is not JSON") from exc
        return event_info(event)


def event_info(event: object) -> PaymentEventInfo:
    """The event in Onward's words; InvalidWebhook when it is not shaped as a Stripe event is."""
    obj = _object_of(event)
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise InvalidWebhook("body is not a Stripe event: its object's metadata is not an object")
    booking = str(metadata.get("onward_booking_id") or "")
    paid = event["type"] in PAID_EVENTS and obj.get("payment_status") == "paid"
    total = obj.get("amount_total")
    currency = str(obj.get("currency") or "usd")
    booking_id = int(booking) if booking.isdigit() and int(booking) <= MAX_ROW_ID else None
    return PaymentEventInfo(
        event_id=event["id"], kind=event["type"], paid=paid, tenant=metadata.get("onward_tenant"),
        booking_id=booking_id, reference=obj.get("id"),
        amount=major_units(total, currency) if isinstance(total, int) else None)


def _object_of(event: object) -> dict:
    """data.object of an event: an object with a string id and type."""
    if not isinstance(event, dict) or not all(isinstance(event.get(key), str) for key in ("id", "type")):
        raise InvalidWebhook("body is not a Stripe event: an object with a string id and type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise InvalidWebhook("body is not a Stripe event: it has no data.object")
    return obj


def minor_units(amount: Decimal, currency: str) -> int:
    return int(amount if currency in ZERO_DECIMAL else amount * 100)


def major_units(amount: int, currency: str) -> Decimal:
    return Decimal(amount) if currency in ZERO_DECIMAL else Decimal(amount) / 100


def translate_error(exc: stripe.StripeError) -> IntegrationError:
    status = exc.http_status
    message = f"Stripe: {type(exc).__name__} (HTTP {status}): {exc.user_message or exc}"
    code = str(exc.code) if exc.code else (str(status) if status else None)
    if isinstance(exc, (stripe.APIConnectionError, stripe.RateLimitError)):
        return TemporaryError(message, code=code)
    if status is None and isinstance(exc, stripe.APIError) or (status or 0) >= 500:
        return TemporaryError(message, code=code)
    return PermanentError(message, code=code)

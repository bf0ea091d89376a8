"""Deposits: one interface, a "none" and a Stripe implementation.

    NoPayments       payments: none; deposits are noted on the booking and paid in the shop
    StripePayments   a Stripe Checkout Session per deposit; its signed webhook says when paid
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from config.schema import Tenant
from config.settings import Settings


class InvalidWebhook(Exception):
    """A webhook that is unsigned, forged, too old or unreadable: refused, nothing changes."""


@dataclass(frozen=True)
class DepositRequest:
    tenant: str
    booking_id: int
    amount: Decimal
    description: str  # what the customer sees on the payment page
    customer_phone: str
    expires_at: datetime  # the link stops taking payments then


@dataclass(frozen=True)
class PaymentLink:
    reference: str  # the provider's id for it (a Checkout Session id)
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class PaymentEventInfo:
    """A verified webhook event, in Onward's words."""

    event_id: str
    kind: str  # the provider's event type
    paid: bool
    tenant: str | None  # from the metadata Onward put on the payment
    booking_id: int | None
    reference: str | None
    amount: Decimal | None


class Payments(ABC):
    name: str

    @abstractmethod
    def request_deposit(self, request: DepositRequest, *, idempotency_key: str) -> PaymentLink:
        """A link where the customer pays the deposit; raise TemporaryError or PermanentError."""

    @abstractmethod
    def parse_webhook(self, payload: bytes, signature: str | None) -> PaymentEventInfo:
        """Verify and read one webhook; raise InvalidWebhook when it cannot be trusted."""


def make_payments(tenant: Tenant, settings: Settings) -> Payments:
    config = tenant.integrations.stripe
    if config is not None:
        from integrations.payments.stripe import StripePayments

        return StripePayments(config, settings)
    from integrations.payments.none import NoPayments

    return NoPayments()

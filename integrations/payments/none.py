"""payments: none. A deposit is noted on the booking and collected in the shop."""
from __future__ import annotations

from integrations.errors import PermanentError
from integrations.payments import DepositRequest, InvalidWebhook, PaymentEventInfo, PaymentLink, Payments


class NoPayments(Payments):
    name = "none"

    def request_deposit(self, request: DepositRequest, *, idempotency_key: str) -> PaymentLink:
        raise PermanentError("no payments provider is configured: the deposit is collected in the shop")

    def parse_webhook(self, payload: bytes, signature: str | None) -> PaymentEventInfo:
        raise InvalidWebhook("no payments provider is configured for this tenant")

"""A small Stripe-compatible API on 127.0.0.1, for the official stripe library in tests.

    api = FakeStripe(secret_key="sk_test_...", webhook_secret="whsec_...").start()
    api.script(Fail(500, "api_error"))       # answers for the next requests
    ... STRIPE_API_BASE=api.url ...
    api.sessions                              # Checkout Sessions created, by id
    payload, signature = api.signed(api.event(session_id))   # a paid session's webhook, signed
    api.stop()

It speaks the part of Stripe's API Onward uses: POST /v1/checkout/sessions, form-encoded
with Stripe's bracket notation, bearer secret key, Idempotency-Key (the same key and
parameters give the first answer again; other parameters give an idempotency_error),
Stripe's checks on expires_at (30 minutes to 24 hours ahead), and its error JSON.
Webhook signatures are made as Stripe makes them: t=<time>,v1=HMAC-SHA256("t.payload").
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl

API_VERSION = "2025-01-27.acacia"

from tests.fakes.server import ScriptedServer


@dataclass(frozen=True)
class Fail:
    status: int
    type: str = "api_error"
    message: str = "scripted failure"


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    headers: dict[str, str]
    answered: int | None = None


@dataclass
class FakeStripe(ScriptedServer):
    secret_key: str
    webhook_secret: str
    requests: list[Recorded] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_key: dict[str, tuple[dict, tuple[int, dict]]] = {}
        self._serve(_handler_for(self))

    def answer(self, recorded: Recorded) -> tuple[int, dict]:
        scripted, _ = self._received(recorded)
        if scripted is not None:
            return scripted.status, error(scripted.type, scripted.message)
        if recorded.headers.get("authorization") != f"Bearer {self.secret_key}":
            return 401, error("invalid_request_error", "Invalid API Key provided")
        if (recorded.method, recorded.path) != ("POST", "/v1/checkout/sessions"):
            return 404, error("invalid_request_error", f"Unrecognized request URL ({recorded.path})")
        key = recorded.headers.get("idempotency-key")
        with self._lock:
            if key in self._by_key:
                params, answer = self._by_key[key]
                if params != recorded.params:
                    return 400, error("idempotency_error", "Keys for idempotent requests can only be used "
                                      "with the same parameters they were first used with.")
                return answer
            answer = self._create_session(recorded.params)
            if key:
                self._by_key[key] = (recorded.params, answer)
        return answer

    def _create_session(self, params: dict) -> tuple[int, dict]:
        problem = checkout_problem(params)
        if problem:
            return 400, error("invalid_request_error", problem)
        line = params["line_items"]["0"]
        amount = int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1))
        session_id = f"cs_test_{secrets.token_hex(12)}"
        session = {
            "id": session_id, "object": "checkout.session", "livemode": False, "mode": "payment",
            "amount_total": amount, "currency": line["price_data"]["currency"],
            "client_reference_id": params.get("client_reference_id"), "created": int(time.time()),
            "expires_at": int(params["expires_at"]), "metadata": params.get("metadata", {}),
            "payment_status": "unpaid", "status": "open", "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"), "payment_intent": None,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return 200, session

    def event(self, session_id: str, kind: str = "checkout.session.completed", **changes) -> dict:
        """The event Stripe sends when a Checkout Session is paid (or as `kind` says)."""
        session = {**self.sessions[session_id], "status": "complete", "payment_status": "paid",
                   "payment_intent": f"pi_test_{secrets.token_hex(8)}", **changes}
        return {"id": f"evt_test_{secrets.token_hex(12)}", "object": "event", "api_version": API_VERSION,
                "created": int(time.time()), "livemode": False, "type": kind, "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None}, "data": {"object": session}}

    def signed(self, event: dict, at: int | None = None, secret: str | None = None) -> tuple[bytes, str]:
        """The body and Stripe-Signature header of a webhook delivery of `event`."""
        payload = json.dumps(event, indent=2).encode()
        return payload, sign(payload, secret or self.webhook_secret, at or int(time.time()))


def sign(payload: bytes, secret: str, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def checkout_problem(params: dict) -> str | None:
    """What Stripe would refuse in a payment-mode Checkout Session create, or None."""
    if params.get("mode") != "payment":
        return "Missing required param: mode."
    line = (params.get("line_items") or {}).get("0")
    if not line or "price_data" not in line:
        return "Missing required param: line_items[0][price_data]."
    data = line["price_data"]
    if not re.fullmatch(r"[a-z]{3}", data.get("currency", "")):
        return "Invalid currency."
    if not data.get("unit_amount", "").isdigit() or int(data["unit_amount"]) < 50:
        return "The Checkout Session's total amount due must add up to at least $0.50 usd"
    if not (data.get("product_data") or {}).get("name"):
        return "Missing required param: line_items[0][price_data][product_data][name]."
    expires = params.get("expires_at", "")
    ahead = int(expires) - time.time() if expires.isdigit() else None
    if ahead is not None and not 30 * 60 - 5 <= ahead <= 24 * 3600 + 5:
        return "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation."
    return None


def error(kind: str, message: str) -> dict:
    return {"error": {"type": kind, "message": message}}


def nest(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding, a[b][0][c]=v, back into nested dicts (list indexes as keys)."""
    root: dict = {}
    for name, value in pairs:
        parts = re.findall(r"[^\[\]]+", name)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return root


def _handler_for(api: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
            self._answer(nest(form))

        def do_GET(self) -> None:
            self._answer({})

        def _answer(self, params: dict) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            recorded = Recorded(self.command, self.path.split("?")[0], params, headers)
            status, body = api.answer(recorded)
            recorded.answered = status
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler

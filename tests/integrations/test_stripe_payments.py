"""Deposits through Stripe: a Checkout Session made against a local Stripe-compatible API
with the official library, the link texted, and the booking confirmed only by Stripe's
signed webhook; forged, unsigned, stale and replayed webhooks change nothing."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import stripe
from sqlalchemy import func, select

from config.settings import load_settings
from integrations.errors import PermanentError, TemporaryError
from integrations.payments import DepositRequest
from integrations.payments.stripe import StripePayments, minor_units, translate_error
from integrations.sync import deposit_requires_payment
from recurring.scheduler import tick
from store.models import Booking, PaymentEvent
from tests.fakes.stripe_api import Fail, FakeStripe, sign
from tests.integrations.sync_fixtures import (CUSTOMER, OPERATOR, TENANT, book, change, jobs_of, later,  # noqa: F401
                                              make_app, run_worker, texts_to)

SECRET_KEY = "sk_test_onward_harbor"
WEBHOOK_SECRET = "whsec_onward_harbor"
WEBHOOK = f"/payments/stripe/{TENANT}"
STRIPE_YAML = """
  calendar: builtin
  crm: builtin
  payments:
    stripe:
      secret_key: env:STRIPE_SECRET_KEY
      webhook_secret: env:STRIPE_WEBHOOK_SECRET
      currency: usd
      pay_within: 45m
"""


@pytest.fixture
def stripe_api():
    api = FakeStripe(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET).start()
    yield api
    api.stop()


def stripe_env(api: FakeStripe, secret_key: str = SECRET_KEY) -> dict:
    return {"STRIPE_SECRET_KEY": secret_key, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": api.url}


@pytest.fixture
def app(make_app, stripe_api):
    app = make_app(STRIPE_YAML, **stripe_env(stripe_api))
    with app.app_context():
        yield app


def booking_state(runtime, booking_id: int) -> Booking:
    with runtime.db.session() as session:
        return session.get(Booking, booking_id)


def payment_events(runtime) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count(PaymentEvent.id)))


def held_color(runtime) -> int:
    """A Color booking (deposit $30) held for payment, its link made and texted."""
    booking_id = book(runtime, service="color", state="held")
    run_worker(runtime)
    return booking_id


def post(client, payload: bytes, signature: str | None, path: str = WEBHOOK):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post(path, data=payload, headers=headers)


def test_a_deposit_needs_payment_only_with_a_provider_and_a_deposit(runtime, make_app):
    harbor = runtime.tenants.get(TENANT)
    assert deposit_requires_payment(harbor, "color") is True
    assert deposit_requires_payment(harbor, "haircut") is False
    assert deposit_requires_payment(harbor, "no-such-service") is False
    plain = make_app("  calendar: builtin\n  crm: builtin\n  payments: none\n").extensions["onward"]
    assert deposit_requires_payment(plain.tenants.get(TENANT), "color") is False


def test_a_held_booking_gets_a_checkout_link_by_text_and_waits_for_payment(runtime, stripe_api):
    before = datetime.now(timezone.utc)
    booking_id = held_color(runtime)

    [request] = stripe_api.requests
    [job] = jobs_of(runtime, booking_id)
    assert request.headers["idempotency-key"] == job.idempotency_key
    assert request.headers["authorization"] == f"Bearer {SECRET_KEY}"
    line = request.params["line_items"]["0"]
    assert (line["price_data"]["unit_amount"], line["price_data"]["currency"]) == ("3000", "usd")
    assert request.params["metadata"] == {"onward_tenant": TENANT, "onward_booking_id": str(booking_id)}
    assert request.params["success_url"] == "https://onward.example.com/payments/done"
    [session] = stripe_api.sessions.values()
    assert job.state == "done" and job.result["reference"] == session["id"] and job.result["url"] == session["url"]

    booking = booking_state(runtime, booking_id)
    assert booking.state == "held"
    link_expires = datetime.fromtimestamp(session["expires_at"], timezone.utc)
    # The link dies with the hold (Stripe counts whole seconds): no payment lands after it.
    assert timedelta(0) <= booking.hold_expires_at - link_expires < timedelta(seconds=1)
    assert before + timedelta(minutes=44) < link_expires < before + timedelta(minutes=46)
    [text] = texts_to(runtime, CUSTOMER, "confirmation")
    assert session["url"] in text.body and "$30 deposit" in text.body and "Color" in text.body
    assert len(text.body) <= 320


def test_writing_the_booking_holds_it_for_the_payment_window(runtime):
    now = datetime.now(timezone.utc)
    booking_id = book(runtime, service="color", state="held", now=now)
    assert booking_state(runtime, booking_id).hold_expires_at == now + timedelta(minutes=45)


def test_the_signed_webhook_confirms_the_booking(runtime, stripe_api, client):
    booking_id = held_color(runtime)
    [session_id] = stripe_api.sessions
    payload, signature = stripe_api.signed(stripe_api.event(session_id))

    answer = post(client, payload, signature)
    assert answer.status_code == 200 and answer.json["outcome"] == "confirmed"
    assert booking_state(runtime, booking_id).state == "confirmed"

    again = post(client, payload, signature)  # Stripe delivers at least once
    assert again.status_code == 200 and again.json["outcome"] == "duplicate"
    assert payment_events(runtime) == 1


@pytest.mark.parametrize("forge", ["unsigned", "other secret", "tampered body", "stale", "garbled header",
                                   "not json"])
def test_untrusted_webhooks_are_refused_and_change_nothing(runtime, stripe_api, client, forge):
    booking_id = held_color(runtime)
    [session_id] = stripe_api.sessions
    event = stripe_api.event(session_id)
    payload, signature = stripe_api.signed(event)
    if forge == "unsigned":
        signature = None
    elif forge == "other secret":
        payload, signature = stripe_api.signed(event, secret="whsec_attacker")
    elif forge == "tampered body":
        payload = payload.replace(b'"amount_total": 3000', b'"amount_total": 300000')
    elif forge == "stale":  # a delivery captured and replayed ten minutes later
        payload, signature = stripe_api.signed(event, at=int(time.time()) - 600)
    elif forge == "garbled header":
        signature = "v1=deadbeef"
    elif forge == "not json":
        payload = b"not json"
        signature = sign(payload, WEBHOOK_SECRET, int(time.time()))

    answer = post(client, payload, signature)
    assert answer.status_code == 400 and answer.json["error"]
    assert booking_state(runtime, booking_id).state == "held"
    assert payment_events(runtime) == 0


def test_a_webhook_for_an_unknown_tenant_or_one_without_stripe_is_not_found(runtime, stripe_api, client):
    payload, signature = stripe_api.signed({"id": "evt_1", "type": "ping", "data": {"object": {}}})
    assert post(client, payload, signature, "/payments/stripe/nobody").status_code == 404
    assert post(client, payload, signature, "/payments/stripe/north-nails").status_code == 404


def test_a_paid_event_naming_another_tenants_booking_changes_nothing(runtime, stripe_api, client):
    booking_id = held_color(runtime)
    [session_id] = stripe_api.sessions
    event = stripe_api.event(session_id, metadata={"onward_tenant": "north-nails",
                                                   "onward_booking_id": str(booking_id)})
    answer = post(client, *stripe_api.signed(event))
    assert answer.status_code == 200 and answer.json["outcome"] == "ignored"
    assert booking_state(runtime, booking_id).state == "held"


def test_an_unpaid_completion_waits_for_the_async_payment(runtime, stripe_api, client):
    booking_id = held_color(runtime)
    [session_id] = stripe_api.sessions
    pending = stripe_api.event(session_id, payment_status="unpaid")
    assert post(client, *stripe_api.signed(pending)).json["outcome"] == "ignored"
    assert booking_state(runtime, booking_id).state == "held"

    paid = stripe_api.event(session_id, kind="checkout.session.async_payment_succeeded")
    assert post(client, *stripe_api.signed(paid)).json["outcome"] == "confirmed"
    assert booking_state(runtime, booking_id).state == "confirmed"


def test_a_payment_below_the_deposit_confirms_nothing_and_the_operator_is_told(runtime, stripe_api, client):
    booking_id = held_color(runtime)
    [session_id] = stripe_api.sessions
    event = stripe_api.event(session_id, amount_total=500)
    assert post(client, *stripe_api.signed(event)).json["outcome"] == "underpaid"
    assert booking_state(runtime, booking_id).state == "held"
    [notice] = texts_to(runtime, OPERATOR, "notice")
    assert "$5.00" in notice.body and session_id in notice.body


def test_stripe_down_is_retried_with_the_same_idempotency_key(runtime, stripe_api):
    stripe_api.script(Fail(500), Fail(429, "rate_limit_error"))
    booking_id = book(runtime, service="color", state="held")
    run_worker(runtime)
    tick(runtime, later(2))
    run_worker(runtime)
    [job] = jobs_of(runtime, booking_id)
    assert (job.state, job.attempts) == ("pending", 2)
    tick(runtime, later(10))
    run_worker(runtime)

    [job] = jobs_of(runtime, booking_id)
    assert (job.state, job.attempts) == ("done", 3)
    assert [r.answered for r in stripe_api.requests] == [500, 429, 200]
    assert {r.headers["idempotency-key"] for r in stripe_api.requests} == {job.idempotency_key}
    assert len(texts_to(runtime, CUSTOMER, "confirmation")) == 1


def test_a_refused_secret_key_fails_at_once_and_the_operator_is_told(make_app, stripe_api):
    app = make_app(STRIPE_YAML, **stripe_env(stripe_api, secret_key="sk_test_revoked"))
    runtime = app.extensions["onward"]
    with app.app_context():
        booking_id = book(runtime, service="color", state="held")
        run_worker(runtime)
    [job] = jobs_of(runtime, booking_id)
    assert job.state == "failed" and "Invalid API Key" in job.last_error
    [notice] = texts_to(runtime, OPERATOR, "notice")
    assert "deposit payment link" in notice.body
    assert texts_to(runtime, CUSTOMER, "confirmation") == []


def test_no_link_is_made_for_a_booking_cancelled_or_lapsed_before_the_job_ran(runtime, stripe_api):
    cancelled = book(runtime, service="color", state="held")
    change(runtime, cancelled, "cancelled", state="cancelled")
    run_worker(runtime)
    assert stripe_api.requests == []
    assert [j.state for j in jobs_of(runtime, cancelled)] == ["done"]
    assert "cancelled" in jobs_of(runtime, cancelled)[0].result["skipped"]


def test_a_booking_without_a_deposit_makes_no_link(runtime, stripe_api):
    book(runtime, service="haircut", state="confirmed")
    run_worker(runtime)
    assert stripe_api.requests == []


def test_the_same_idempotency_key_makes_one_checkout_session(stripe_api, env):
    settings = load_settings({**env, **stripe_env(stripe_api)})
    from config.schema import StripePayments as StripeConfig
    payments = StripePayments(StripeConfig(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET), settings)
    request = DepositRequest(tenant=TENANT, booking_id=7, amount=Decimal("30"), description="Deposit: Color",
                             customer_phone=CUSTOMER, expires_at=datetime.now(timezone.utc) + timedelta(hours=1))
    first = payments.request_deposit(request, idempotency_key="k-7")
    again = payments.request_deposit(request, idempotency_key="k-7")
    assert first == again and len(stripe_api.sessions) == 1
    with pytest.raises(PermanentError, match="idempotent"):  # same key, other parameters
        payments.request_deposit(DepositRequest(**{**request.__dict__, "amount": Decimal("40")}),
                                 idempotency_key="k-7")


@pytest.mark.parametrize("error, kind", [
    (stripe.APIConnectionError("refused"), TemporaryError),
    (stripe.RateLimitError("slow down", http_status=429), TemporaryError),
    (stripe.APIError("oops", http_status=500), TemporaryError),
    (stripe.APIError("unreadable answer"), TemporaryError),
    (stripe.InvalidRequestError("bad param", "expires_at", http_status=400), PermanentError),
    (stripe.AuthenticationError("bad key", http_status=401), PermanentError),
    (stripe.PermissionError("not allowed", http_status=403), PermanentError),
    (stripe.IdempotencyError("other params", http_status=400), PermanentError),
])
def test_stripe_errors_are_translated(error, kind):
    assert isinstance(translate_error(error), kind)


@pytest.mark.parametrize("amount, currency, minor", [
    (Decimal("30"), "usd", 3000), (Decimal("12.50"), "eur", 1250), (Decimal("3000"), "jpy", 3000)])
def test_amounts_are_sent_in_the_currencys_minor_units(amount, currency, minor):
    assert minor_units(amount, currency) == minor


def test_the_payment_page_sends_the_customer_back_to_a_thank_you(client):
    answer = client.get("/payments/done")
    assert answer.status_code == 200 and "Thank you" in answer.get_data(as_text=True)


def test_a_webhook_body_is_kept_whole_for_the_signature(stripe_api, client):
    # Pretty-printed JSON with its own spacing: the signature covers the exact bytes.
    payload = json.dumps({"id": "evt_x", "object": "event", "type": "ping", "data": {"object": {}}},
                         indent=4).encode()
    answer = post(client, payload, sign(payload, WEBHOOK_SECRET, int(time.time())))
    assert answer.status_code == 200 and answer.json["outcome"] == "ignored"


def test_with_an_outside_crm_the_paid_booking_is_sent_again_as_confirmed(make_app, stripe_api):
    from tests.fakes.crm_api import FakeCrm

    crm = FakeCrm(token="crm-secret").start()
    try:
        both = STRIPE_YAML.replace("  crm: builtin\n", f"""  crm:
    http:
      url: {crm.url}/contacts
      headers: {{Authorization: "Bearer crm-secret"}}
      body: {{phone: "{{customer.phone}}", state: "{{booking.state}}", change: "{{booking.change}}"}}
""")
        app = make_app(both, **stripe_env(stripe_api))
        runtime, client = app.extensions["onward"], app.test_client()
        with app.app_context():
            booking_id = held_color(runtime)
            [session_id] = stripe_api.sessions
            payload, signature = stripe_api.signed(stripe_api.event(session_id))
            assert post(client, payload, signature).json["outcome"] == "confirmed"
            assert post(client, payload, signature).json["outcome"] == "duplicate"
            run_worker(runtime)
        sent = [(r.body["change"], r.body["state"]) for r in crm.requests]
        assert sent == [("booked", "held"), ("paid", "confirmed")]
        assert [j.kind for j in jobs_of(runtime, booking_id)] == [
            "crm.upsert_contact", "payments.request_deposit", "crm.upsert_contact"]
    finally:
        crm.stop()


@pytest.mark.parametrize("body", [[], "evt_1", 1, None, {"id": "evt_1", "type": "ping", "data": []},
                                  {"id": "evt_1", "type": "ping", "data": {"object": "cs_1"}},
                                  {"id": "evt_1", "type": "checkout.session.completed",
                                   "data": {"object": {"payment_status": "paid", "metadata": ["x"]}}},
                                  {"id": ["evt_1"], "type": "ping", "data": {"object": {}}}])
def test_a_signed_body_that_is_not_an_event_object_gets_a_400(runtime, stripe_api, client, body):
    payload = json.dumps(body).encode()
    answer = post(client, payload, sign(payload, WEBHOOK_SECRET, int(time.time())))
    assert answer.status_code == 400 and "not a Stripe event" in answer.json["error"]
    assert payment_events(runtime) == 0


def test_a_paid_event_naming_a_booking_id_past_the_largest_is_ignored(runtime, stripe_api, client):
    booking_id = held_color(runtime)
    [session_id] = stripe_api.sessions
    event = stripe_api.event(session_id)
    event["data"]["object"]["metadata"]["onward_booking_id"] = str(2**63 + booking_id)
    answer = post(client, *stripe_api.signed(event))
    assert answer.status_code == 200 and answer.json["outcome"] == "ignored"
    assert booking_state(runtime, booking_id).state == "held"

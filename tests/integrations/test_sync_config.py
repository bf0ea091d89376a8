"""The integrations section of a tenant file: builtin/none as in the reference file, an
outside HTTP CRM, Stripe payments; every bad value refused with file, field and reason."""
from __future__ import annotations

from datetime import timedelta

import pytest

from config.loader import ConfigError, load_file
from tests.config import ENV, example, write_tenant

FILE = "harbor-barbers.yaml"
SECRETS = {**ENV, "CRM_TOKEN": "Bearer crm-secret", "STRIPE_SECRET_KEY": "sk_test_123",
           "STRIPE_WEBHOOK_SECRET": "whsec_123"}
CRM = {"http": {"method": "POST", "url": "https://crm.example.com/api/contacts",
                "headers": {"Authorization": "env:CRM_TOKEN"},
                "body": {"phone": "{customer.phone}", "name": "{customer.name}",
                         "note": "{booking.service_name} at {booking.start}"},
                "id_field": "data.id", "timeout": "5s"}}
STRIPE = {"stripe": {"secret_key": "env:STRIPE_SECRET_KEY", "webhook_secret": "env:STRIPE_WEBHOOK_SECRET",
                     "currency": "usd", "pay_within": "1h", "success_url": "https://harbor.example.com/thanks"}}


def with_integrations(**section) -> dict:
    data = example()
    data["integrations"] = {"calendar": "builtin", "crm": "builtin", "payments": "none", **section}
    return data


def load(tmp_path, data, environ=SECRETS):
    return load_file(write_tenant(tmp_path, data), environ)


def refused(tmp_path, data, environ=SECRETS) -> dict[str, str]:
    with pytest.raises(ConfigError) as error:
        load(tmp_path, data, environ)
    assert {p.file for p in error.value.problems} == {FILE}
    return {p.field: p.reason for p in error.value.problems}


def test_the_reference_sections_stay_valid(tmp_path):
    tenant = load(tmp_path, example())
    assert (tenant.integrations.crm, tenant.integrations.payments) == ("builtin", "none")
    assert tenant.integrations.http_crm is None and tenant.integrations.stripe is None


def test_an_http_crm_and_stripe_are_read_with_their_secrets_from_the_environment(tmp_path):
    tenant = load(tmp_path, with_integrations(crm=CRM, payments=STRIPE))
    crm = tenant.integrations.http_crm
    assert crm.url == "https://crm.example.com/api/contacts" and crm.method == "POST"
    assert crm.headers == {"Authorization": "Bearer crm-secret"}
    assert crm.id_field == "data.id" and crm.timeout == timedelta(seconds=5)
    assert crm.idempotency_header == "Idempotency-Key"
    stripe = tenant.integrations.stripe
    assert (stripe.secret_key, stripe.webhook_secret) == ("sk_test_123", "whsec_123")
    assert stripe.pay_within == timedelta(hours=1) and stripe.cancel_url is None


def test_a_missing_secret_names_its_variable(tmp_path):
    problems = refused(tmp_path, with_integrations(crm=CRM, payments=STRIPE), ENV)
    assert problems["integrations.crm.http.headers.Authorization"] == "environment variable CRM_TOKEN is not set"
    assert problems["integrations.payments.stripe.secret_key"] == "environment variable STRIPE_SECRET_KEY is not set"


def crm_with(**changes) -> dict:
    return {"http": {**CRM["http"], **changes}}


def stripe_with(**changes) -> dict:
    return {"stripe": {**STRIPE["stripe"], **changes}}


@pytest.mark.parametrize("section, field, reason", [
    ({"crm": "hubspot"}, "integrations.crm", "is not a CRM: builtin, or {http:"),
    ({"crm": 3}, "integrations.crm", "is not a CRM"),
    ({"crm": {"salesforce": {}}}, "integrations.crm.salesforce", "is not a known field"),
    ({"crm": {"http": {"url": "https://crm.example.com"}}}, "integrations.crm.http.body", "is required"),
    ({"crm": crm_with(url="ftp://crm.example.com")}, "integrations.crm.http.url", "is not an http:// or https:// URL"),
    ({"crm": crm_with(url="crm.example.com/contacts")}, "integrations.crm.http.url", "is not an http"),
    ({"crm": crm_with(method="GET")}, "integrations.crm.http.method", "should be 'POST', 'PUT' or 'PATCH'"),
    ({"crm": crm_with(body={"name": "{customer.nickname}"})}, "integrations.crm.http.body",
     "{customer.nickname} is not a placeholder"),
    ({"crm": crm_with(url="https://crm.example.com/c/{booking.when}")}, "integrations.crm.http.url",
     "{booking.when} is not a placeholder"),
    ({"crm": crm_with(body=["{customer.phone}"])}, "integrations.crm.http.body", "should be a mapping"),
    ({"crm": crm_with(id_field="data..id")}, "integrations.crm.http.id_field", "should match pattern"),
    ({"crm": crm_with(timeout="5m")}, "integrations.crm.http.timeout", "should be between 1s and 60s"),
    ({"crm": crm_with(timeout="soon")}, "integrations.crm.http.timeout", "is not a duration"),
    ({"crm": crm_with(headers={"Bad Header": "x"})}, "integrations.crm.http.headers.Bad Header",
     "is not an HTTP header name"),
    ({"crm": crm_with(bodyy={})}, "integrations.crm.http.bodyy", "is not a known field"),
    ({"payments": "paypal"}, "integrations.payments", "is not a payments provider: none, or {stripe:"),
    ({"payments": stripe_with(secret_key="pk_live_123")}, "integrations.payments.stripe.secret_key",
     "is not a Stripe secret key"),
    ({"payments": stripe_with(webhook_secret="secret")}, "integrations.payments.stripe.webhook_secret",
     "is not a Stripe webhook signing secret"),
    ({"payments": {"stripe": {"secret_key": "sk_test_1"}}}, "integrations.payments.stripe.webhook_secret",
     "is required"),
    ({"payments": stripe_with(currency="USD")}, "integrations.payments.stripe.currency", "should match pattern"),
    ({"payments": stripe_with(pay_within="10m")}, "integrations.payments.stripe.pay_within",
     "should be between 30m and 24h"),
    ({"payments": stripe_with(pay_within="2d")}, "integrations.payments.stripe.pay_within", "should be between"),
    ({"payments": stripe_with(success_url="/thanks")}, "integrations.payments.stripe.success_url", "is not an http"),
    ({"calendar": "google"}, "integrations.calendar", "should be 'builtin'"),
])
def test_bad_integrations_are_refused_with_field_and_reason(tmp_path, section, field, reason):
    problems = refused(tmp_path, with_integrations(**section))
    assert field in problems, problems
    assert reason in problems[field]

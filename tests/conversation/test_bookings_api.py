"""GET /api/v1/bookings: the built-in calendar, per tenant, newest first, with filters."""
from __future__ import annotations

import pytest

from tests.booking.fixtures import clock  # noqa: F401 - fixtures
from tests.conftest import HARBOR_TOKEN, NORTH_TOKEN

HARBOR = {"Authorization": f"Bearer {HARBOR_TOKEN}"}
NORTH = {"Authorization": f"Bearer {NORTH_TOKEN}"}


def say(client, phone, text, headers=HARBOR):
    response = client.post("/api/v1/interactions", json={"from": phone, "text": text}, headers=headers)
    assert response.status_code == 200
    return response.get_json()["replies"]


def bookings(client, headers=HARBOR, **filters):
    response = client.get("/api/v1/bookings", headers=headers, query_string=filters)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


@pytest.fixture
def calendar(client, clock):
    """Amy: a confirmed haircut Tue 3 PM; Ben: a held beard trim Wed 10 AM; Cara: a
    cancelled color Thu 11 AM; at North End Nails, Dee: a manicure Tue 3 PM."""
    say(client, "+16175557001", "this is Amy, haircut tomorrow at 3")
    say(client, "+16175557001", "yes")
    say(client, "+16175557002", "beard trim wednesday at 10am")
    say(client, "+16175557003", "color thursday at 11am")
    say(client, "+16175557003", "yes")
    say(client, "+16175557003", "cancel my appointment")
    say(client, "+13125557004", "manicure tomorrow at 3pm", NORTH)
    say(client, "+13125557004", "yes", NORTH)


def test_bookings_with_the_contract_fields(client, calendar):
    items = bookings(client)
    assert [(b["service"], b["state"]) for b in items] == [
        ("color", "cancelled"), ("beard", "held"), ("haircut", "confirmed")]  # latest start first
    haircut = items[-1]
    assert {k: haircut[k] for k in ("customer", "service", "start", "end", "state", "price", "deposit")} == {
        "customer": {"name": "Amy", "phone": "+16175557001"}, "service": "haircut",
        "start": "2026-11-24T15:00:00-05:00", "end": "2026-11-24T15:30:00-05:00",
        "state": "confirmed", "price": 35, "deposit": 0}
    assert isinstance(haircut["id"], int)
    assert items[0]["deposit"] == 30 and items[0]["cancel_reason"] == "customer"
    assert items[1]["hold_expires_at"] == "2026-11-23T10:10:00-05:00"


@pytest.mark.parametrize("filters, services", [
    ({"state": "confirmed"}, ["haircut"]),
    ({"state": "held"}, ["beard"]),
    ({"state": "cancelled"}, ["color"]),
    ({"service": "beard"}, ["beard"]),
    ({"since": "2026-11-25T00:00:00-05:00"}, ["color", "beard"]),
    ({"since": "2026-11-25T05:00:00Z"}, ["color", "beard"]),
    ({"limit": "1"}, ["color"]),
])
def test_filters(client, calendar, filters, services):
    assert [b["service"] for b in bookings(client, **filters)] == services


def test_a_token_sees_only_its_tenants_bookings(client, calendar):
    [manicure] = bookings(client, NORTH)
    assert manicure["service"] == "manicure" and manicure["start"] == "2026-11-24T15:00:00-06:00"
    assert "manicure" not in {b["service"] for b in bookings(client)}


@pytest.mark.parametrize("filters, error", [
    ({"since": "yesterday"}, "since must be an ISO 8601 time"),
    ({"since": "2026-11-25T00:00:00"}, "since needs an offset"),
    ({"limit": "lots"}, "limit must be a whole number"),
    ({"limit": "0"}, "limit must be between"),
])
def test_bad_filters_get_a_400(client, filters, error):
    response = client.get("/api/v1/bookings", headers=HARBOR, query_string=filters)
    assert response.status_code == 400 and error in response.get_json()["error"]


def test_no_token_no_bookings(client):
    assert client.get("/api/v1/bookings").status_code == 401
    assert client.get("/api/v1/bookings", headers={"Authorization": "Bearer nope"}).status_code == 401

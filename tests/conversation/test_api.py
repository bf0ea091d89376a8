"""GET /api/v1/messages: bearer token per tenant, newest first, filters."""
from __future__ import annotations

import pytest
import requests

from tests.conftest import HARBOR_TOKEN, NORTH_NUMBER, NORTH_TOKEN
from tests.conversation.test_sms_webhook import LENA

BO = "+13125550202"


def get(live_server, path, token=HARBOR_TOKEN, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(live_server + path, headers=headers, params=params, timeout=10)


def test_messages_newest_first_with_the_contract_fields(twilio, live_server):
    twilio.sms(LENA, "first")
    twilio.sms(LENA, "second")
    response = get(live_server, "/api/v1/messages")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["direction"] for i in items] == ["out", "in", "out", "in"]
    assert items[1]["body"] == "second" and items[3]["body"] == "first"
    assert {"id", "direction", "to", "from", "body", "media", "purpose", "status", "created_at"} <= set(items[0])
    assert items[1]["from"] == LENA and "+" in items[1]["created_at"]


def test_a_token_never_reads_another_tenants_messages(twilio, live_server):
    twilio.sms(LENA, "harbor only")
    twilio.sms(BO, "north only", to=NORTH_NUMBER)
    harbor = [i["body"] for i in get(live_server, "/api/v1/messages").json()["items"]]
    north = [i["body"] for i in get(live_server, "/api/v1/messages", token=NORTH_TOKEN).json()["items"]]
    assert "harbor only" in harbor and "north only" not in harbor
    assert "north only" in north and "harbor only" not in north


def test_filters(twilio, live_server):
    twilio.sms(LENA, "hello")
    assert {i["direction"] for i in get(live_server, "/api/v1/messages", direction="in").json()["items"]} == {"in"}
    assert len(get(live_server, "/api/v1/messages", limit=1).json()["items"]) == 1
    assert get(live_server, "/api/v1/messages", since="2999-01-01T00:00:00+00:00").json()["items"] == []


def test_missing_or_unknown_tokens_are_refused(live_server):
    assert get(live_server, "/api/v1/messages", token=None).status_code == 401
    assert get(live_server, "/api/v1/messages", token="guess-guess").status_code == 401
    response = requests.get(live_server + "/api/v1/messages", headers={"Authorization": "Basic abc"}, timeout=5)
    assert response.status_code == 401 and "Bearer" in response.json()["error"]


def test_bad_filters_get_a_400(live_server):
    assert get(live_server, "/api/v1/messages", since="yesterday").status_code == 400
    assert get(live_server, "/api/v1/messages", since="2026-11-23T09:00:00").status_code == 400
    assert get(live_server, "/api/v1/messages", limit="ten").status_code == 400
    assert get(live_server, "/api/v1/messages", limit=100000).status_code == 400


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
@pytest.mark.parametrize("path", ["/api/v1/messages", "/api/v1/runs", "/api/v1/bookings", "/api/v1/executions"])
def test_a_since_past_the_ends_of_time_gets_a_400(live_server, path, since):
    response = get(live_server, path, since=since)
    assert response.status_code == 400 and "out of range" in response.json()["error"]


def test_since_with_an_unencoded_plus_offset(twilio, live_server):
    """A "+" left unencoded in a query string reads as a space; the offset is still meant."""
    twilio.sms(LENA, "hello")
    messages = live_server + "/api/v1/messages?since="
    headers = {"Authorization": f"Bearer {HARBOR_TOKEN}"}
    past = requests.get(messages + "2000-01-01T00:00:00+00:00", headers=headers, timeout=10)
    future = requests.get(messages + "2999-01-01T09:00:00.5+05:00", headers=headers, timeout=10)
    assert past.status_code == 200 and len(past.json()["items"]) == 2
    assert future.status_code == 200 and future.json()["items"] == []
    naive = requests.get(messages + "2000-01-01 00:00:00", headers=headers, timeout=10)
    assert naive.status_code == 400

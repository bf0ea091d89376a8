"""POST /api/v1/interactions: the customer pipeline for API and platform events."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.models import Booking, Execution, Interaction, Message
from tests.booking.fixtures import clock  # noqa: F401 - fixtures
from tests.booking.fixtures import MARCO, texts_to
from tests.conftest import HARBOR_TOKEN, NORTH_TOKEN

HARBOR = {"Authorization": f"Bearer {HARBOR_TOKEN}"}
NORTH = {"Authorization": f"Bearer {NORTH_TOKEN}"}


def post(client, body, headers=HARBOR, **extra):
    return client.post("/api/v1/interactions", json=body, headers={**headers, **extra})


def count(runtime, model) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count(model.id)))


def test_a_booking_through_the_api(client, clock, runtime):
    first = post(client, {"from": "(617) 555-7001", "text": "haircut tomorrow at 3", "id": "evt-1"})
    assert first.status_code == 200
    body = first.get_json()
    assert body["replies"] == ["Haircut, Tue Nov 24 at 3:00 PM, $35. Reply YES to book."]
    assert body["from"] == "+16175557001" and body["channel"] == "api" and body["outcome"] == "held"
    assert isinstance(body["interaction"], int) and isinstance(body["execution"], int)

    done = post(client, {"from": "+16175557001", "text": "YES", "id": "evt-2"}).get_json()
    assert done["replies"][0].startswith("You're booked: Haircut, Tue Nov 24 at 3:00 PM")
    # No TwiML reply reaches the customer from the API: the confirmation goes as a text.
    [confirmation] = texts_to(runtime, "+16175557001", "confirmation")
    assert confirmation.startswith("You're booked: Haircut, Tue Nov 24 at 3:00 PM, $35.")
    assert texts_to(runtime, MARCO, "notice") == ["New booking: Haircut Tue Nov 24 at 3:00 PM for +16175557001."]


def test_a_retried_call_is_answered_again_and_changes_nothing(client, clock, runtime):
    call = {"from": "+16175557001", "text": "haircut tomorrow at 3", "id": "evt-1"}
    first = post(client, call).get_json()
    again = post(client, call).get_json()
    assert again == first
    assert count(runtime, Booking) == 1 and count(runtime, Interaction) == 1 and count(runtime, Execution) == 1


def test_the_idempotency_key_header_is_the_id_too(client, clock, runtime):
    call = {"from": "+16175557001", "text": "haircut tomorrow at 3"}
    first = post(client, call, **{"Idempotency-Key": "k-1"}).get_json()
    assert post(client, call, **{"Idempotency-Key": "k-1"}).get_json() == first
    assert count(runtime, Booking) == 1


def test_without_an_id_each_call_is_new(client, clock, runtime):
    post(client, {"from": "+16175557001", "text": "what are your hours?"})
    post(client, {"from": "+16175557001", "text": "what are your hours?"})
    assert count(runtime, Interaction) == 2


def test_the_same_id_for_two_tenants_is_two_events(client, clock, runtime):
    call = {"from": "+16175557001", "text": "what are your hours?", "id": "same"}
    harbor = post(client, call).get_json()
    north = post(client, call, NORTH).get_json()
    assert harbor["replies"][0].startswith("Harbor Street Barbers hours:")
    assert north["replies"][0].startswith("North End Nails hours:")


@pytest.mark.parametrize("body, error", [
    (None, "send a JSON object"),
    (["from", "text"], "send a JSON object"),
    ({"text": "hi"}, "from is required"),
    ({"from": "  ", "text": "hi"}, "from is required"),
    ({"from": "+16175557001"}, "text is required"),
    ({"from": "+16175557001", "text": 12}, "text is required"),
    ({"from": "not a phone", "text": "hi"}, "from is not a phone number"),
    ({"from": "12", "text": "hi"}, "from is not a phone number"),
    ({"from": "+16175557001", "text": "x" * 1601}, "at most 1600"),
    ({"from": "+16175557001", "text": "hi", "id": "x" * 65}, "id (or Idempotency-Key)"),
    ({"from": "+16175557001", "text": "hi", "id": {"a": 1}}, "id (or Idempotency-Key)"),
])
def test_bad_calls_get_a_400_and_change_nothing(client, runtime, body, error):
    response = post(client, body)
    assert response.status_code == 400
    assert error in response.get_json()["error"]
    assert count(runtime, Interaction) == 0 and count(runtime, Message) == 0


def test_malformed_json_gets_a_400(client, runtime):
    response = client.post("/api/v1/interactions", data="{from: ", headers={**HARBOR, "Content-Type": "application/json"})
    assert response.status_code == 400 and "JSON object" in response.get_json()["error"]
    assert count(runtime, Interaction) == 0


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic abc"}])
def test_no_token_no_interaction(client, runtime, headers):
    response = client.post("/api/v1/interactions", json={"from": "+16175557001", "text": "hi"}, headers=headers)
    assert response.status_code == 401
    assert count(runtime, Interaction) == 0


def test_garbled_text_gets_a_clear_answer_and_books_nothing(client, clock, runtime):
    body = post(client, {"from": "+16175557001", "text": "asdf qwerty ;;; zzz"}).get_json()
    assert body["replies"][0].startswith("What would you like to do: book, move or cancel")
    assert count(runtime, Booking) == 0

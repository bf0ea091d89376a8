"""Delivery status callbacks: statuses only move forward, whatever order they come in."""
from __future__ import annotations

from itertools import permutations

import pytest

from confirmations.status import record_status
from store.models import Message
from tests.confirmations.conftest import CUSTOMER, TENANT

SID = "SM" + "a" * 32


def add_message(runtime, sid: str = SID, status: str = "queued", direction: str = "out") -> int:
    with runtime.db.session() as session:
        message = Message(tenant=TENANT, direction=direction, to_phone=CUSTOMER,
                          from_phone="+16175550100", body="hello", purpose="confirmation",
                          status=status, provider_sid=sid)
        session.add(message)
    return message.id


def callback(runtime, status: str, sid: str = SID, error_code: str | None = None) -> bool:
    with runtime.db.session() as session:
        return record_status(session, sid=sid, status=status, error_code=error_code)


def status_of(runtime, message_id: int) -> tuple[str, str | None]:
    with runtime.db.session() as session:
        message = session.get(Message, message_id)
        return message.status, message.error_code


def test_statuses_move_forward(runtime):
    message_id = add_message(runtime)
    assert callback(runtime, "sending")
    assert callback(runtime, "sent")
    assert callback(runtime, "delivered")
    assert status_of(runtime, message_id) == ("delivered", None)


def test_a_late_sent_after_delivered_changes_nothing(runtime):
    message_id = add_message(runtime)
    assert callback(runtime, "delivered")
    assert not callback(runtime, "sent")
    assert not callback(runtime, "queued")
    assert status_of(runtime, message_id) == ("delivered", None)


def test_a_repeated_callback_is_harmless(runtime):
    message_id = add_message(runtime)
    assert callback(runtime, "sent")
    assert not callback(runtime, "sent")
    assert callback(runtime, "delivered")
    assert not callback(runtime, "delivered")
    assert status_of(runtime, message_id) == ("delivered", None)


def test_a_failure_keeps_twilios_error_code(runtime):
    message_id = add_message(runtime)
    assert callback(runtime, "undelivered", error_code="30007")
    assert not callback(runtime, "delivered")  # one final word: the first that came
    assert status_of(runtime, message_id) == ("undelivered", "30007")


@pytest.mark.parametrize("order", sorted(set(permutations(["sending", "sent", "delivered"]))))
def test_any_order_ends_delivered(runtime, order):
    message_id = add_message(runtime)
    for status in order:
        callback(runtime, status)
    assert status_of(runtime, message_id) == ("delivered", None)


@pytest.mark.parametrize("status", ["received", "console", "read", "accepted", "bogus", ""])
def test_words_outside_the_order_are_ignored(runtime, status):
    message_id = add_message(runtime)
    assert not callback(runtime, status)
    assert status_of(runtime, message_id) == ("queued", None)


def test_an_unknown_sid_changes_nothing(runtime):
    message_id = add_message(runtime)
    assert not callback(runtime, "delivered", sid="SM" + "b" * 32)
    assert not callback(runtime, "delivered", sid="")
    assert status_of(runtime, message_id) == ("queued", None)


def test_rows_outside_the_order_are_never_moved(runtime):
    inbound = add_message(runtime, sid="SM" + "c" * 32, status="received", direction="in")
    console = add_message(runtime, sid="SM" + "d" * 32, status="console")
    assert not callback(runtime, "delivered", sid="SM" + "c" * 32)
    assert not callback(runtime, "delivered", sid="SM" + "d" * 32)
    assert status_of(runtime, inbound) == ("received", None)
    assert status_of(runtime, console) == ("console", None)

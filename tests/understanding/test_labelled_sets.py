"""The rules engine on the labelled sets: the targets of the booking and understanding issues."""
from __future__ import annotations

import pytest

from agents.understanding import understand
from agents.understanding.engine import Understander
from tests.understanding.labelled import Example, Score, harbor, load_examples

INTENT_TARGET = 0.95
BOOKING_TARGET = 0.95
RULES = Understander()


def score_of(examples: list[Example]) -> Score:
    tenant, score = harbor(), Score()
    for e in examples:
        person = tenant.person(e.sender) if e.sender else None
        score.add(e, understand(tenant, e.text, e.now, e.recent, person=person, has_media=e.media, engine=RULES))
    return score


@pytest.fixture(scope="module")
def customer() -> Score:
    return score_of(load_examples("customer"))


@pytest.fixture(scope="module")
def everything() -> Score:
    return score_of(load_examples("customer") + load_examples("staff"))


def test_the_sets_are_big_and_varied():
    customer, staff = load_examples("customer"), load_examples("staff")
    assert len(customer) >= 200 and len(customer) + len(staff) >= 400
    assert {e.intent for e in customer} == {"book", "reschedule", "cancel", "hours", "prices", "faq",
                                           "operator", "confirm", "decline", "unclear"}
    assert {e.sender for e in staff} == {"lena", "sam", "marco", "dana"}


def test_customer_intents(customer):
    assert customer.intent_accuracy >= INTENT_TARGET, "\n".join(customer.misses)


def test_service_and_time_of_booking_messages(customer):
    assert customer.booking_accuracy >= BOOKING_TARGET, "\n".join(customer.misses)


def test_the_whole_set(everything):
    assert everything.intent_accuracy >= INTENT_TARGET, "\n".join(everything.misses)
    assert everything.entity_accuracy >= INTENT_TARGET, "\n".join(everything.misses)

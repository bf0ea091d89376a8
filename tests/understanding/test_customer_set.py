"""The rules engine on the labelled customer set: the targets of the booking issue."""
from __future__ import annotations

import pytest

from agents.understanding.rules import understand
from tests.understanding.labelled import Score, harbor, load_examples

INTENT_TARGET = 0.95
BOOKING_TARGET = 0.95


@pytest.fixture(scope="module")
def score() -> Score:
    tenant, score = harbor(), Score()
    for example in load_examples("customer"):
        score.add(example, understand(tenant, example.text, example.now, example.recent))
    return score


def test_the_set_is_big_and_varied():
    examples = load_examples("customer")
    assert len(examples) >= 200
    assert {e.intent for e in examples} == {"book", "reschedule", "cancel", "hours", "prices", "faq",
                                           "operator", "confirm", "decline", "unclear"}


def test_intent_accuracy(score):
    assert score.intent_accuracy >= INTENT_TARGET, "\n".join(score.misses)


def test_service_and_time_of_booking_messages(score):
    assert score.booking_accuracy >= BOOKING_TARGET, "\n".join(score.misses)

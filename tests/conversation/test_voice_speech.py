"""Tables: texts made speakable, what counts as asking for a person or saying goodbye on a
call, and the operator's one-sentence summary."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from agents.understanding.result import Understanding
from agents.call_summary import spoken_day, spoken_phone, spoken_time, wants_phrase
from agents.call_words import asks_for_operator, says_goodbye
from config.loader import load_directory
from conversation.voice import speakable
from tests.conftest import TESTS, TEST_ENV

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 6, 10, 14, 0, tzinfo=NY).astimezone(timezone.utc)  # a Wednesday


@pytest.fixture(scope="module")
def harbor():
    loaded = load_directory(TESTS / "tenants", TEST_ENV)
    return next(t for t in loaded.tenants if t.tenant == "harbor-barbers")


@pytest.mark.parametrize("text, spoken", [
    ("Booked ✅ Haircut Thu 3:00 PM 💈", "Booked Haircut Thursday 3 PM"),
    ("Free: 1) 3:00pm 2) 3:30 p.m. 3) 4pm", "Free: option 1, 3 PM option 2, 3:30 PM option 3, 4 PM"),
    ("Reply YES to confirm, or reply NO.", "Say YES to confirm, or say NO."),
    ("See you Sat, Jun 13 at 10:15 AM", "See you Saturday, June 13 at 10:15 AM"),
    ("Haircut & beard\nTotal $50", "Haircut and beard. Total $50"),
    ("Hours:\nMon-Fri 9-7", "Hours: Monday to Friday 9-7"),
    ("The sun is out", "The sun is out"),
    ("", ""),
])
def test_texts_are_made_speakable(text, spoken):
    assert speakable(text) == spoken


@pytest.mark.parametrize("said, operator", [
    ("operator", True), ("Operator.", True), ("0", True), ("zero", True), ("a person", True),
    ("can I speak to a person", True), ("I want to talk to someone", True), ("someone", True),
    ("human please", True), ("get me a real person", True), ("representative", True),
    ("can I speak with the manager", True), ("I need a human", True),
    ("I'd like a haircut", False), ("book for someone else", False), ("10", False),
    ("personal training", False), ("", False), ("00", False),
])
def test_what_asks_for_a_person(said, operator):
    assert asks_for_operator(said) is operator


@pytest.mark.parametrize("said, goodbye", [
    ("no", True), ("no thanks", True), ("No, that's all. Thank you!", True), ("nope bye", True),
    ("that's it, thanks", True), ("goodbye", True), ("nothing else, have a nice day", True),
    ("no I want to book a haircut", False), ("thanks", False), ("ok", False), ("", False),
    ("no, tomorrow at 3", False),
])
def test_what_says_goodbye(said, goodbye):
    assert says_goodbye(said) is goodbye


@pytest.mark.parametrize("clock, spoken", [(time(15), "3 PM"), (time(9, 30), "9:30 AM"), (time(12), "noon"),
                                           (time(0, 15), "12:15 AM"), (time(12, 45), "12:45 PM")])
def test_times_as_said(clock, spoken):
    assert spoken_time(clock) == spoken


@pytest.mark.parametrize("day, spoken", [(date(2026, 6, 10), "today"), (date(2026, 6, 11), "tomorrow"),
                                         (date(2026, 6, 13), "on Saturday"), (date(2026, 6, 17), "on June 17")])
def test_days_as_said(day, spoken):
    assert spoken_day(day, date(2026, 6, 10)) == spoken


def test_phones_as_said():
    assert spoken_phone("+16175550150", "US") == "617 555 0150"
    assert spoken_phone("+442079460958", "US") == "+44 20 7946 0958"


@pytest.mark.parametrize("understanding, phrase", [
    (Understanding("book", service="haircut", day=date(2026, 6, 11), time=time(15)),
     "wants a haircut tomorrow at 3 PM"),
    (Understanding("book", service="color", day=date(2026, 6, 13), period="morning"),
     "wants a color on Saturday morning"),
    (Understanding("book", service="cut-beard", day=date(2026, 6, 10), period="evening"),
     "wants a cut and beard this evening"),
    (Understanding("book", period="afternoon"), "wants an appointment in the afternoon"),
    (Understanding("book", at=datetime(2026, 6, 10, 20, 30, tzinfo=timezone.utc)),
     "wants an appointment today at 4:30 PM"),
    (Understanding("book"), "wants an appointment"),
    (Understanding("reschedule", day=date(2026, 6, 12)), "wants to move an appointment to Friday"),
    (Understanding("cancel"), "wants to cancel an appointment"),
    (Understanding("prices", service="beard"), "is asking about prices for a beard trim"),
    (Understanding("hours"), "is asking about opening hours"),
    (Understanding("faq", faq="parking"), "has a question about parking"),
])
def test_what_the_caller_wants(harbor, understanding, phrase):
    assert wants_phrase(harbor, understanding, NOW) == phrase

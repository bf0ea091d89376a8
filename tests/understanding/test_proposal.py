"""A model's proposal read against the tenant: kinds checked, unknowns dropped, scope kept."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from agents.understanding.prompt import build_prompt, mask_phones
from agents.understanding.proposal import InvalidProposal, read_proposal
from tests.understanding.labelled import harbor

NOW = datetime.fromisoformat("2026-11-23T10:00:00-05:00")


@pytest.fixture(scope="module")
def tenant():
    return harbor()


def test_a_moment_sets_the_day_and_time_in_the_tenants_zone(tenant):
    heard = read_proposal({"intent": "book", "at": "2026-11-23T17:00:00+00:00"}, tenant, None, False, 10)
    assert heard.at == datetime.fromisoformat("2026-11-23T12:00:00-05:00")
    assert (heard.day, heard.time) == (date(2026, 11, 23), time(12))
    local = read_proposal({"intent": "book", "at": "2026-11-23T12:00"}, tenant, None, False, 10)
    assert local.at == heard.at


@pytest.mark.parametrize("fields, expected", [
    ({"number": True}, None), ({"number": "38"}, None), ({"number": 38}, 38.0),
])
def test_a_reading_must_be_a_number(tenant, fields, expected):
    sam = tenant.person("sam")
    assert read_proposal({"intent": "done", **fields}, tenant, sam, False, 0).number == expected


@pytest.mark.parametrize("code, expected", [(3, 3), (-1, None), (1000, None), (True, None), ("3", None)])
def test_a_code_is_a_small_whole_number(tenant, code, expected):
    assert read_proposal({"intent": "take", "code": code}, tenant, tenant.person("sam"), False, 0).code == expected


def test_confidence_is_kept_between_zero_and_one(tenant):
    assert read_proposal({"intent": "book", "confidence": 7}, tenant, None, False, 0).confidence == 1.0
    assert read_proposal({"intent": "book", "confidence": "high"}, tenant, None, False, 0).confidence == 0.5


def test_a_customer_cannot_be_given_staff_intents_or_staff_owner_ones(tenant):
    with pytest.raises(InvalidProposal):
        read_proposal({"intent": "done"}, tenant, None, False, 0)
    with pytest.raises(InvalidProposal):
        read_proposal({"intent": "today"}, tenant, tenant.person("sam"), False, 0)
    assert read_proposal({"intent": "today"}, tenant, tenant.person("dana"), True, 0).intent == "today"


def test_faq_is_kept_only_for_a_faq_question(tenant):
    assert read_proposal({"intent": "faq", "faq": "parking"}, tenant, None, False, 0).faq == "parking"
    assert read_proposal({"intent": "book", "faq": "parking"}, tenant, None, False, 0).faq is None


@pytest.mark.parametrize("text, sent", [
    ("my number is 617-555-0102", "my number is [phone]"),
    ("(617) 555 0104 or +16175550103", "[phone] or [phone]"),
    ("555-0102", "[phone]"),
    ("at 3:30 on 12/2, $1,250.50, 2026-11-24, 38.5F, code 3t", "at 3:30 on 12/2, $1,250.50, 2026-11-24, 38.5F, code 3t"),
])
def test_phone_numbers_are_masked_and_nothing_else(text, sent):
    assert mask_phones(text) == sent


def test_the_prompt_names_no_phone_of_the_tenants_people(tenant):
    prompt = build_prompt(tenant, "who's on today", NOW, (), tenant.person("dana"), True)
    for person in tenant.people:
        assert person.phone not in prompt.system + prompt.user
    assert "dana (Dana Reyes)" in prompt.system and "cooler (Product cooler temperature)" in prompt.system

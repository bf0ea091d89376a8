"""Reply codes: the lowest free number per person, kept for the item's life; answers parsed."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recurring.codes import (Answer, CodeKey, CodeRow, assign_code, assign_codes, closed_text,
                             item_for_code, open_codes, parse_answer, release_codes)

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
HARBOR = "harbor-barbers"


def test_each_person_gets_the_lowest_number_not_in_use(session):
    assert [assign_code(session, HARBOR, "dana", "run", i, NOW) for i in (11, 12, 13)] == [1, 2, 3]
    assert assign_code(session, HARBOR, "marco", "run", 12, NOW) == 1  # per person
    assert assign_code(session, "north-nails", "dana", "run", 99, NOW) == 1  # per tenant


def test_an_item_keeps_its_code_and_a_closed_items_number_is_reused(session):
    first, second = assign_code(session, HARBOR, "dana", "run", 11, NOW), assign_code(
        session, HARBOR, "dana", "run", 12, NOW)
    assert assign_code(session, HARBOR, "dana", "run", 12, NOW) == second == 2
    assert release_codes(session, HARBOR, "run", 11, outcome="excused", by="dana", now=NOW) == 1
    assert assign_code(session, HARBOR, "dana", "finding", 5, NOW) == first == 1
    assert assign_code(session, HARBOR, "dana", "run", 12, NOW) == 2


def test_a_code_names_its_open_item_or_the_last_one_it_named(session):
    assign_code(session, HARBOR, "dana", "run", 11, NOW)
    assert item_for_code(session, HARBOR, "dana", 1).item_id == 11
    release_codes(session, HARBOR, "run", 11, outcome="excused", by="dana", now=NOW)
    stale = item_for_code(session, HARBOR, "dana", 1)
    assert (stale.item_id, stale.open, stale.outcome, stale.closed_by) == (11, False, "excused", "dana")
    assert closed_text(stale, "Dana") == "#1 was already excused by Dana."
    assign_code(session, HARBOR, "dana", "run", 20, NOW + timedelta(minutes=1))
    assert item_for_code(session, HARBOR, "dana", 1).item_id == 20  # open wins over closed
    assert item_for_code(session, HARBOR, "dana", 7) is None
    assert item_for_code(session, HARBOR, "marco", 1) is None


def test_closed_text_says_how_it_ended():
    row = CodeRow(HARBOR, "dana", 3, "run", 1, open=False, outcome="missed", closed_by=None)
    assert closed_text(row) == "#3 was already closed as missed."
    late = CodeRow(HARBOR, "dana", 2, "run", 1, open=False, outcome="late", closed_by="sam")
    assert closed_text(late, "Sam") == "#2 was already done (late) by Sam."


def test_open_codes_newest_first_and_closing_an_item_closes_everyones_code(session):
    assign_code(session, HARBOR, "dana", "run", 11, NOW)
    assign_code(session, HARBOR, "dana", "run", 12, NOW + timedelta(minutes=5))
    assign_code(session, HARBOR, "sam", "run", 12, NOW + timedelta(minutes=5))
    assert [(c.number, c.item_id) for c in open_codes(session, HARBOR, "dana")] == [(2, 12), (1, 11)]
    assert release_codes(session, HARBOR, "run", 12, outcome="done", by="sam", now=NOW) == 2
    assert [c.item_id for c in open_codes(session, HARBOR, "dana")] == [11]
    assert open_codes(session, HARBOR, "sam") == []


def test_bulk_assignment_fills_gaps_in_order(session):
    for item in (1, 2, 3):
        assign_code(session, HARBOR, "dana", "run", item, NOW)
    release_codes(session, HARBOR, "run", 2, outcome="done", now=NOW)
    keys = [CodeKey(HARBOR, "dana", "run", i) for i in (3, 7, 8)] + [CodeKey(HARBOR, "lena", "run", 7)]
    assert assign_codes(session, keys, NOW) == dict(zip(keys, [3, 2, 4, 1]))


def test_an_unknown_kind_is_refused(session):
    with pytest.raises(ValueError, match="not a kind of item"):
        assign_code(session, HARBOR, "dana", "booking", 1, NOW)


@pytest.mark.parametrize("text, answer", [
    ("3t", Answer("take", 3)),
    ("3 t", Answer("take", 3)),
    ("#3T", Answer("take", 3)),
    ("#3x late delivery", Answer("excuse", 3, "late delivery")),
    ("3 x: supplier never came", Answer("excuse", 3, "supplier never came")),
    ("3r sam", Answer("reassign", 3, "sam")),
    ("3d 38", Answer("done", 3, "38")),
    ("12d", Answer("done", 12, "")),
    ("excuse 3 shop closed for the storm", Answer("excuse", 3, "shop closed for the storm")),
    ("Take #2", Answer("take", 2)),
    ("reassign 4 to Marco", Answer("reassign", 4, "Marco")),
    ("give 4 to sam", Answer("reassign", 4, "sam")),
    ("Please excuse 5, alarm company was late", Answer("excuse", 5, "alarm company was late")),
    ("ok take 2", Answer("take", 2)),
    ("on it", Answer("take", None)),
    ("On it!", Answer("take", None)),
    ("I'm on it 👍", Answer("take", None)),
    ("I’ll do it", Answer("take", None)),
    ("ok I'll take it", Answer("take", None)),
    ("I got it", Answer("take", None)),
    ("got it.", Answer("take", None)),
])
def test_answers_as_people_write_them(text, answer):
    assert parse_answer(text) == answer


@pytest.mark.parametrize("text", [
    "done", "done 38", "2 done 412", "38", "3", "3rd time this week", "4th", "2 days late",
    "on it later maybe not", "what is 3t", "tasks", "", "I got it done", "taking a break",
])
def test_other_texts_are_not_answers(text):
    assert parse_answer(text) is None

"""Two customers after the last chair. Cara already has one of the two chairs at 3 PM on
Tuesday; Amy and Ben both want the other. Holds decide who gets it, lapsed holds free
it, and when they text at the very same moment the day's lock lets one through."""
from __future__ import annotations

import threading

import pytest

from recurring.scheduler import tick
from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY, BEN, CARA, bookings_of

TAKEN = "Tue Nov 24 at 3:00 PM is taken. Nearest free:"


@pytest.fixture
def last_chair(text):
    text(CARA, "haircut tomorrow at 3")
    assert text(CARA, "yes").startswith("You're booked")


def test_the_first_to_be_offered_the_last_chair_holds_it(text, runtime, last_chair):
    assert text(AMY, "haircut tomorrow at 3") == "Haircut, Tue Nov 24 at 3:00 PM, $35. Reply YES to book."
    assert text(BEN, "haircut tomorrow at 3").startswith(TAKEN)
    assert text(AMY, "yes").startswith("You're booked: Haircut, Tue Nov 24 at 3:00 PM")
    assert text(BEN, "3pm").startswith(TAKEN)  # still taken: the loser gets other times


def test_a_lapsed_hold_frees_the_chair_for_the_next_customer(text, clock, runtime, last_chair):
    text(AMY, "haircut tomorrow at 3")
    clock.advance(minutes=11)  # Amy's 10 minute hold lapses
    assert text(BEN, "haircut tomorrow at 3") == "Haircut, Tue Nov 24 at 3:00 PM, $35. Reply YES to book."
    reply = text(AMY, "yes")
    assert reply.startswith("Sorry, Tue Nov 24 at 3:00 PM was just taken. Nearest free: 1) Tue Nov 24 at 2:00 PM;")
    assert text(BEN, "yes").startswith("You're booked")
    assert [b.state for b in bookings_of(runtime, AMY)] == []
    assert text(AMY, "1").startswith("You're booked: Haircut, Tue Nov 24 at 2:00 PM")


def test_yes_after_a_lapsed_hold_still_books_a_free_time(text, clock, runtime):
    text(AMY, "haircut tomorrow at 3")
    clock.advance(minutes=30)
    assert text(AMY, "yes").startswith("You're booked: Haircut, Tue Nov 24 at 3:00 PM")
    assert [(b.state, b.hold_expires_at) for b in bookings_of(runtime, AMY)] == [("confirmed", None)]


def test_the_tick_releases_lapsed_holds(text, clock, runtime, client, last_chair):
    text(AMY, "haircut tomorrow at 3")
    tick(runtime, clock.advance(minutes=5))
    assert [b.state for b in bookings_of(runtime, AMY)] == ["held"]
    tick(runtime, clock.advance(minutes=6))
    assert bookings_of(runtime, AMY) == []
    assert text(BEN, "haircut tomorrow at 3").startswith("Haircut, Tue Nov 24 at 3:00 PM")


def at_once(*sends):
    """Run the sends in threads released together; their replies in order."""
    barrier, replies = threading.Barrier(len(sends)), [None] * len(sends)

    def run(i, send):
        barrier.wait()
        replies[i] = send()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(sends)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return replies


@pytest.mark.parametrize("hour", [11, 13, 16])
def test_two_texts_at_the_same_moment_get_one_hold(text, runtime, hour):
    wish = f"haircut tomorrow at {hour - 12 if hour > 12 else hour}{'pm' if hour >= 12 else 'am'}"
    text(CARA, wish)
    text(CARA, "yes")
    replies = at_once(lambda: text(AMY, wish), lambda: text(BEN, wish))
    offered = [r for r in replies if r.endswith("Reply YES to book.")]
    refused = [r for r in replies if " is taken. Nearest free:" in r]
    assert len(offered) == 1 and len(refused) == 1, replies
    held = [b for phone in (AMY, BEN) for b in bookings_of(runtime, phone)]
    assert [b.state for b in held] == ["held"]


def test_two_picks_of_the_same_last_time_book_one(text, runtime, last_chair):
    # Both are offered the same free times (alternatives are not held) and pick the first at once.
    text(AMY, "haircut tomorrow at 3")  # Amy holds the last 3 PM chair
    for phone in (BEN, "+16175557004"):
        assert text(phone, "haircut tomorrow at 3").startswith(TAKEN + " 1) Tue Nov 24 at 2:00 PM")
    text("+16175557005", "haircut tomorrow at 2pm")
    text("+16175557005", "yes")  # one chair left at 2 PM
    replies = at_once(lambda: text(BEN, "1"), lambda: text("+16175557004", "1"))
    booked = [r for r in replies if r.startswith("You're booked: Haircut, Tue Nov 24 at 2:00 PM")]
    lost = [r for r in replies if r.startswith("Sorry, Tue Nov 24 at 2:00 PM was just taken.")]
    assert len(booked) == 1 and len(lost) == 1, replies
    two_pm = [b for p in (BEN, "+16175557004", "+16175557005") for b in bookings_of(runtime, p)]
    assert sorted(b.state for b in two_pm) == ["confirmed", "confirmed"]


def test_yes_sent_twice_at_once_books_once(text, runtime):
    text(AMY, "haircut tomorrow at 3")
    replies = at_once(lambda: text(AMY, "yes"), lambda: text(AMY, "yes"))
    assert any(r.startswith("You're booked: Haircut, Tue Nov 24 at 3:00 PM") for r in replies), replies
    assert [b.state for b in bookings_of(runtime, AMY)] == ["confirmed"]


def test_a_pick_sent_twice_at_once_books_once(text, runtime, last_chair):
    text(AMY, "haircut tomorrow at 3")  # Amy holds the last 3 PM chair
    text(BEN, "haircut tomorrow at 3")
    at_once(lambda: text(BEN, "1"), lambda: text(BEN, "1"))
    assert [b.state for b in bookings_of(runtime, BEN)] == ["confirmed"]

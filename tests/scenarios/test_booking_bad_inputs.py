"""What customers get for texts Onward can't act on: a clear answer, and nothing booked,
held or changed. Monday Nov 23 2026, 10:00 in New York."""
from __future__ import annotations

import pytest

from agents.booking.customers import find_customer
from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY, BEN, MARCO, bookings_of, texts_to
from tests.conftest import NORTH_NUMBER

OTHER_TIME = "What other day or time would suit you?"


@pytest.mark.parametrize("wish, reply", [
    ("haircut today at 9am", f"Mon Nov 23 at 9:00 AM has already passed. {OTHER_TIME}"),
    ("haircut on jan 30 at 2pm",
     f"We book up to 30 days ahead, so Sat Jan 30 at 2:00 PM is too far out. {OTHER_TIME}"),
])
def test_a_time_that_cannot_be_booked_at_all(text, runtime, wish, reply):
    assert text(AMY, wish) == reply
    assert bookings_of(runtime, AMY) == []


@pytest.mark.parametrize("wish", ["haircut yesterday at 3", "haircut yesterday", "beard trim last friday at 11am",
                                  "can I get a cut the day before yesterday?"])
def test_a_day_that_has_passed_is_said_so_and_asked_again(text, runtime, wish):
    assert text(AMY, wish) == "That day has passed, which day would you like?"  # not today at 3 PM
    assert bookings_of(runtime, AMY) == []


def test_after_a_day_that_has_passed_the_next_day_named_is_booked(text, runtime):
    text(AMY, "haircut yesterday at 3")
    assert text(AMY, "friday then") == "Haircut, Fri Nov 27 at 3:00 PM, $35. Reply YES to book."  # time kept


@pytest.mark.parametrize("wish, why, first", [
    ("haircut today at 11am", "We need 2 hours notice to book, so Mon Nov 23 at 11:00 AM is too soon.",
     "Mon Nov 23 at 12:00 PM"),
    ("haircut tomorrow at 8pm", "Tue Nov 24 at 8:00 PM is outside our hours (9:00 AM to 7:00 PM).",
     "Tue Nov 24 at 6:00 PM"),
    ("haircut sunday at 2pm", "We're closed on Sundays.", "Mon Nov 30 at 9:00 AM"),
    ("haircut tomorrow at 3:10", "Appointments start every 15 minutes, so not at Tue Nov 24 at 3:10 PM.",
     "Tue Nov 24 at 3:00 PM"),
])
def test_a_time_outside_the_rules_gets_the_nearest_free_times(text, runtime, wish, why, first):
    reply = text(AMY, wish)
    assert reply.startswith(f"{why} Nearest free: 1) {first};") and len(reply) < 320
    assert bookings_of(runtime, AMY) == []  # alternatives are offered, not held


@pytest.mark.parametrize("garbled", ["asdkjh qwe zzz", "asdkjh 3$$", "😀😀😀", "?? ..", "x" * 1500])
def test_garbled_texts_get_what_to_text_and_change_nothing(text, runtime, garbled):
    reply = text(AMY, garbled)
    assert reply in ("What would you like to do: book, move or cancel an appointment, or ask our hours or prices?",
                     "I'll ask the team and get back to you.")
    assert bookings_of(runtime, AMY) == []


def test_an_auto_responder_stays_a_stranger_with_few_replies(text, runtime):
    replies = [text(AMY, "Thanks for your message, we will get back to you") for _ in range(5)]
    assert [bool(r) for r in replies] == [True, True, True, False, False]  # routing/limits.py
    with runtime.db.session() as session:
        assert find_customer(session, "harbor-barbers", AMY) is None


def test_an_unknown_service_asks_which_service(text, runtime):
    assert text(AMY, "massage tomorrow at 3pm") == (
        "Which service would you like? Haircut $35, Beard trim $20, Cut and beard $50, Color $120.")
    assert text(AMY, "beard").startswith("Beard trim, Tue Nov 24 at 3:00 PM, $20.")  # day and time were kept


def test_yes_with_nothing_to_confirm(text, runtime):
    assert text(AMY, "yes").startswith("There's nothing waiting for a yes.")
    assert bookings_of(runtime, AMY) == []


def test_an_unknown_question_goes_to_the_team(text, runtime):
    assert text(AMY, "can I bring my dog?") == "I'll ask the team and get back to you."
    assert texts_to(runtime, MARCO, "notice") == ['+16175557001 asked something I can\'t answer: '
                                                  '"can I bring my dog?"']


def test_hours_prices_and_faq_come_from_the_config(text):
    assert text(AMY, "what are your hours?") == (
        "Harbor Street Barbers hours: Mon-Fri 9:00 AM-7:00 PM, Sat 9:00 AM-5:00 PM, Sun closed.")
    assert text(AMY, "are you open on sunday?") == "We're closed on Sun Nov 29."
    assert text(AMY, "how much is a fade?") == "Haircut: $35, 30 minutes. Text a day and time to book."
    # A number that hasn't booked gets 3 replies a day (routing/limits.py): another asks on.
    assert text(BEN, "prices?").startswith("Haircut $35, Beard trim $20, Cut and beard $50, Color $120 ($30 deposit).")
    assert text(BEN, "where do I park?") == "Free parking behind the shop, entrance on Elm St."


def test_asking_for_a_person_tells_the_operator(text, runtime):
    assert text(AMY, "can I talk to a real person") == "I've asked the team to get back to you shortly."
    assert texts_to(runtime, MARCO, "notice") == ['+16175557001 asks for someone: "can I talk to a real person"']


def test_another_tenants_bookings_are_not_there(text, runtime):
    text(AMY, "haircut tomorrow at 3")
    text(AMY, "yes")
    assert text(AMY, "cancel my appointment", to=NORTH_NUMBER).startswith("You have no upcoming appointments")
    assert text(AMY, "X", to=NORTH_NUMBER).startswith("You have no upcoming appointments")
    assert [b.state for b in bookings_of(runtime, AMY)] == ["confirmed"]
    assert bookings_of(runtime, AMY, "north-nails") == []


def test_a_conversation_left_for_a_day_starts_fresh(text, clock, runtime):
    assert text(AMY, "haircut tomorrow").startswith("What time on Tue Nov 24?")
    clock.advance(days=1, minutes=1)
    assert text(AMY, "3pm").startswith("Which service would you like?")  # yesterday's haircut is forgotten


def test_a_long_question_reaches_the_team_cut_to_one_text(text, runtime):
    question = "do you " + "really " * 80 + "sell gift cards?"
    assert text(AMY, question) == "I'll ask the team and get back to you."
    [notice] = texts_to(runtime, MARCO, "notice")
    assert len(notice) <= 320 and notice.endswith("...")


def test_a_stranger_who_once_asked_something_still_gets_few_replies(text, runtime):
    assert text(AMY, "?")  # handed to the team: a customer record is made, to name them
    replies = [text(AMY, "Thanks for your message, we will get back to you") for _ in range(4)]
    assert [bool(r) for r in replies] == [True, True, False, False]  # 3 replies in the day, in all


def test_a_customer_who_booked_is_never_limited(text, runtime):
    text(AMY, "haircut wednesday at 3pm")
    assert text(AMY, "yes").startswith("You're booked")
    replies = [text(AMY, "Thanks for your message, we will get back to you") for _ in range(4)]
    assert all(replies)

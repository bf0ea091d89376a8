"""Moving and cancelling by text, and the reminder: Amy has a haircut on Wednesday Nov 25
at 3 PM, booked on Monday morning. Changes by text stop 12 hours before; the reminder
goes 24 hours before, once, and only for the time the booking has then."""
from __future__ import annotations

import pytest

from recurring.scheduler import tick
from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY, BEN, MARCO, bookings_of, local, texts_to

REMINDER = ("Reminder from Harbor Street Barbers: your Haircut is Wed Nov 25 at 3:00 PM. "
            "Reply C to confirm, R to reschedule or X to cancel.")


@pytest.fixture
def booked(text, runtime):
    text(AMY, "this is Amy, haircut wednesday at 3pm")
    assert text(AMY, "yes").startswith("You're booked: Haircut, Wed Nov 25 at 3:00 PM")
    [booking] = bookings_of(runtime, AMY)
    return booking.id


def states(runtime, phone=AMY):
    return [(b.state, b.start.astimezone(local(1, 0).tzinfo).strftime("%a %H:%M")) for b in bookings_of(runtime, phone)]


# -- moving ----------------------------------------------------------------------------------------

def test_moving_a_booking_to_another_day(text, runtime, booked):
    assert text(AMY, "can I move my haircut to thursday at 11am?") == (
        "Move your Haircut from Wed Nov 25 at 3:00 PM to Thu Nov 26 at 11:00 AM? Reply YES to move it.")
    assert text(AMY, "yes").startswith("Done, your Haircut is now Thu Nov 26 at 11:00 AM, $35.")
    assert states(runtime) == [("confirmed", "Thu 11:00")]
    assert bookings_of(runtime, AMY)[0].id == booked  # the same booking, at its new time
    assert texts_to(runtime, MARCO, "notice")[-1] == (
        "Moved: Haircut Thu Nov 26 at 11:00 AM (was Wed Nov 25 at 3:00 PM) for Amy (+16175557001).")


def test_moving_in_two_texts(text, runtime, booked):
    assert text(AMY, "I need to reschedule") == "What day and time would suit you better for your Haircut?"
    assert text(AMY, "friday 10am").startswith("Move your Haircut from Wed Nov 25 at 3:00 PM to Fri Nov 27")
    assert text(AMY, "yes").startswith("Done, your Haircut is now Fri Nov 27 at 10:00 AM")
    assert states(runtime) == [("confirmed", "Fri 10:00")]


def test_a_move_to_a_taken_time_offers_others_and_keeps_the_booking(text, runtime, booked):
    for phone in (BEN, "+16175557009"):
        text(phone, "haircut thursday at 11am")
        text(phone, "yes")
    reply = text(AMY, "move my appointment to thursday at 11am")
    assert reply.startswith("Thu Nov 26 at 11:00 AM is taken. Nearest free: 1) Thu Nov 26 at 10:00 AM; "
                            "2) Thu Nov 26 at 10:15 AM; 3) Thu Nov 26 at 11:45 AM.")
    assert text(AMY, "2").startswith("Done, your Haircut is now Thu Nov 26 at 10:15 AM")
    assert states(runtime) == [("confirmed", "Thu 10:15")]


def test_declining_a_move_keeps_the_booking(text, runtime, booked):
    text(AMY, "can we move my haircut to thursday at 11am")
    assert text(AMY, "no") == "OK, nothing is booked. Text us any time."
    assert states(runtime) == [("confirmed", "Wed 15:00")]
    assert [b.state for b in bookings_of(runtime, AMY)] == ["confirmed"]  # the move's hold is gone


# -- cancelling and the cutoff ---------------------------------------------------------------------

def test_cancelling_by_text(text, runtime, booked):
    assert text(AMY, "I need to cancel my appointment") == (
        "Your Haircut on Wed Nov 25 at 3:00 PM is cancelled. Text us any time to book again.")
    assert states(runtime) == [("cancelled", "Wed 15:00")]
    assert texts_to(runtime, MARCO, "notice")[-1] == "Cancelled: Haircut Wed Nov 25 at 3:00 PM for Amy (+16175557001)."
    assert text(AMY, "cancel my appointment").startswith("You have no upcoming appointments with us.")


def test_the_cutoff_stops_changes_by_text(text, clock, runtime, booked):
    clock.now = local(25, 4).astimezone(clock.now.tzinfo)  # 11 hours before
    refusal = ("Your Haircut on Wed Nov 25 at 3:00 PM is less than 12 hours away, so it can't be changed "
               "by text. Please call us at 617-555-0100.")
    assert text(AMY, "I need to cancel my appointment") == refusal
    assert text(AMY, "can I move my haircut to friday at 10am") == refusal
    assert text(AMY, "X") == refusal
    assert states(runtime) == [("confirmed", "Wed 15:00")]


def test_which_booking_when_there_are_two(text, runtime, booked):
    text(AMY, "beard trim friday at 10am")
    text(AMY, "yes")
    assert text(AMY, "please cancel my appointment") == (
        "Which one should I cancel? 1) Haircut Wed Nov 25 at 3:00 PM; 2) Beard trim Fri Nov 27 at 10:00 AM. "
        "Reply the number.")
    assert text(AMY, "2").startswith("Your Beard trim on Fri Nov 27 at 10:00 AM is cancelled.")
    assert [b.state for b in bookings_of(runtime, AMY)] == ["confirmed", "cancelled"]


# -- the reminder --------------------------------------------------------------------------------

def test_the_reminder_goes_once_a_day_before(text, clock, runtime, booked):
    tick(runtime, local(24, 14, 59))
    assert texts_to(runtime, AMY, "reminder") == []
    tick(runtime, local(24, 15, 0))
    tick(runtime, local(24, 15, 1))
    tick(runtime, local(24, 18, 0))
    assert texts_to(runtime, AMY, "reminder") == [REMINDER]

    clock.now = local(24, 15, 5)
    assert text(AMY, "C") == "Thanks, see you Wed Nov 25 at 3:00 PM."
    assert bookings_of(runtime, AMY)[0].answered_reminder == "confirmed"


def test_a_reminder_answered_with_x_cancels(text, clock, runtime, booked):
    tick(runtime, local(24, 15, 0))
    clock.now = local(24, 16, 0)
    assert text(AMY, "x").startswith("Your Haircut on Wed Nov 25 at 3:00 PM is cancelled.")
    assert states(runtime) == [("cancelled", "Wed 15:00")]


def test_x_after_opting_out_still_cancels_and_tells_the_operator_but_texts_nothing_back(text, clock, runtime,
                                                                                           booked):
    tick(runtime, local(24, 15, 0))
    clock.now = local(24, 16, 0)
    assert text(AMY, "STOP").startswith("You're unsubscribed")
    assert text(AMY, "X") == ""  # no reply to a number that opted out
    assert states(runtime) == [("cancelled", "Wed 15:00")]
    assert texts_to(runtime, MARCO, "notice")[-1] == "Cancelled: Haircut Wed Nov 25 at 3:00 PM for Amy (+16175557001)."
    assert texts_to(runtime, AMY, "confirmation") == []


def test_x_after_opting_out_too_close_to_the_time_tells_the_operator_why_it_stands(text, clock, runtime, booked):
    clock.now = local(25, 6, 0)  # 9 hours before: inside the 12-hour cutoff
    text(AMY, "please stop texting me")
    assert text(AMY, "x") == ""
    assert states(runtime) == [("confirmed", "Wed 15:00")]
    assert texts_to(runtime, MARCO, "notice")[-1].startswith(
        "+16175557001 (opted out of texts) replied X to cancel; nothing was cancelled: Your Haircut on "
        "Wed Nov 25 at 3:00 PM is less than 12 hours away")


def test_a_reminder_answered_with_r_asks_for_a_new_time(text, clock, runtime, booked):
    tick(runtime, local(24, 15, 0))
    clock.now = local(24, 16, 0)
    assert text(AMY, "R") == "What day and time would suit you better for your Haircut?"
    assert text(AMY, "thursday 2pm").startswith("Move your Haircut from Wed Nov 25 at 3:00 PM to Thu Nov 26")
    assert text(AMY, "yes").startswith("Done, your Haircut is now Thu Nov 26 at 2:00 PM")
    tick(runtime, local(25, 14, 0))  # a day before the new time: reminded again, for it
    assert texts_to(runtime, AMY, "reminder")[-1].endswith("is Thu Nov 26 at 2:00 PM. Reply C to confirm, "
                                                           "R to reschedule or X to cancel.")


def test_no_reminder_for_the_old_time_after_a_move_or_after_a_cancel(text, runtime, booked):
    text(AMY, "move my haircut to friday at 3pm")
    text(AMY, "yes")
    tick(runtime, local(24, 15, 0))  # the old time's reminder moment
    assert texts_to(runtime, AMY, "reminder") == []
    text(AMY, "cancel my appointment")
    tick(runtime, local(26, 15, 0))  # the new time's reminder moment
    assert texts_to(runtime, AMY, "reminder") == []


def test_no_reminder_for_a_booking_made_inside_the_reminder_window(text, runtime):
    text(BEN, "beard trim today at 4pm")
    assert text(BEN, "yes").startswith("You're booked: Beard trim, Mon Nov 23 at 4:00 PM")
    tick(runtime, local(23, 15, 0))
    assert texts_to(runtime, BEN, "reminder") == []

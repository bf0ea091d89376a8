"""Availability as pure functions: hours, closed days, chairs, buffer, the grid, notice,
horizon, and the days the clocks change."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from agents.booking.availability import (Interval, at_local, free_starts, grid_starts, hours_on, nearest_free,
                                         peak_overlap, span, verdict)
from config.loader import load_file
from config.schema import Booking
from tests.booking.fixtures import MONDAY_10AM, NEW_YORK, local
from tests.conftest import TEST_ENV, TESTS

HARBOR = load_file(TESTS / "tenants" / "harbor-barbers.yaml", TEST_ENV)
HAIRCUT, BEARD, COLOR = (next(s for s in HARBOR.services if s.id == i) for i in ("haircut", "beard", "color"))
NOW = MONDAY_10AM  # Mon Nov 23 2026, 10:00 New York


def with_rules(tenant=HARBOR, **rules):
    return tenant.model_copy(update={"booking": tenant.booking.model_copy(update=rules)})


def busy(*spans: tuple[datetime, int]) -> list[Interval]:
    """Bookings as (start, minutes), with harbor's 5 minute buffer."""
    return [Interval(s.astimezone(timezone.utc), (s + timedelta(minutes=m, seconds=300)).astimezone(timezone.utc))
            for s, m in spans]


# -- hours and closed days ---------------------------------------------------------------

@pytest.mark.parametrize("day, expected", [
    (date(2026, 11, 23), (time(9), time(19))),  # Monday, from mon-fri
    (date(2026, 11, 27), (time(9), time(19))),  # Friday
    (date(2026, 11, 28), (time(9), time(17))),  # Saturday
    (date(2026, 11, 29), None),  # Sunday: closed
])
def test_opening_hours_by_weekday(day, expected):
    assert hours_on(HARBOR, day) == expected


def test_a_closed_day_has_no_starts_and_says_closed():
    sunday = local(29, 11)
    assert grid_starts(HARBOR, HAIRCUT, sunday.date()) == []
    assert verdict(HARBOR, HAIRCUT, sunday, [], NOW) == "closed"


def test_a_day_missing_from_hours_is_closed():
    north = load_file(TESTS / "tenants" / "north-nails.yaml", TEST_ENV)
    assert hours_on(north, date(2026, 11, 29)) is None
    assert hours_on(north, date(2026, 11, 28)) == (time(10), time(18))


@pytest.mark.parametrize("start, reason", [
    (local(24, 8, 45), "outside_hours"),  # before opening
    (local(24, 18, 45), "outside_hours"),  # a 30 minute cut would end after 19:00
    (local(24, 18, 30), "ok"),  # ends at closing time exactly
    (local(24, 9, 0), "ok"),  # opening time
    (local(28, 16, 45), "outside_hours"),  # Saturday closes at 17:00
])
def test_a_service_must_fit_inside_the_hours(start, reason):
    assert verdict(HARBOR, HAIRCUT, start, [], NOW) == reason


# -- the grid -------------------------------------------------------------------------------------

def test_starts_are_on_the_slot_grid_and_end_by_closing():
    starts = [s.astimezone(NEW_YORK).time() for s in grid_starts(HARBOR, COLOR, date(2026, 11, 24))]
    assert starts[0] == time(9, 0) and starts[1] == time(9, 15)
    assert starts[-1] == time(17, 30)  # 90 minutes: the last start ending by 19:00
    assert verdict(HARBOR, HAIRCUT, local(24, 15, 10), [], NOW) == "off_grid"


def test_a_coarser_grid_offers_fewer_starts():
    hourly = with_rules(slot_step=timedelta(hours=1))
    starts = grid_starts(hourly, HAIRCUT, date(2026, 11, 24))
    assert [s.astimezone(NEW_YORK).hour for s in starts] == list(range(9, 19))
    assert verdict(hourly, HAIRCUT, local(24, 15, 15), [], NOW) == "off_grid"


# -- chairs and buffer ------------------------------------------------------------------------------

def test_two_chairs_take_two_overlapping_bookings_not_three():
    three_pm = local(24, 15)
    assert verdict(HARBOR, HAIRCUT, three_pm, busy((three_pm, 30)), NOW) == "ok"
    assert verdict(HARBOR, HAIRCUT, three_pm, busy((three_pm, 30), (three_pm, 30)), NOW) == "taken"
    one_chair = with_rules(chairs=1)
    assert verdict(one_chair, HAIRCUT, three_pm, busy((three_pm, 30)), NOW) == "taken"


def test_the_buffer_keeps_the_chair_after_an_appointment():
    one_chair = with_rules(chairs=1)
    taken = busy((local(24, 15), 30))  # 15:00-15:30, chair busy until 15:35
    assert verdict(one_chair, HAIRCUT, local(24, 15, 30), taken, NOW) == "taken"
    assert verdict(one_chair, HAIRCUT, local(24, 15, 45), taken, NOW) == "ok"
    no_buffer = with_rules(chairs=1, buffer=timedelta(0))
    assert verdict(no_buffer, HAIRCUT, local(24, 15, 30), [Interval(local(24, 15), local(24, 15, 30))], NOW) == "ok"


def test_a_new_booking_needs_its_own_buffer_before_the_next_one():
    one_chair = with_rules(chairs=1)
    taken = busy((local(24, 15, 30), 30))
    assert verdict(one_chair, HAIRCUT, local(24, 15), taken, NOW) == "taken"  # 15:00-15:35 meets 15:30
    assert verdict(one_chair, HAIRCUT, local(24, 14, 45), taken, NOW) == "ok"  # 14:45-15:20


def test_chairs_count_what_overlaps_at_once_not_in_total():
    # 15:00-15:35 and 15:45-16:20 never overlap each other: a 15:15 color still has a chair.
    taken = busy((local(24, 15), 30), (local(24, 15, 45), 30))
    assert peak_overlap(taken, span(HARBOR, COLOR, local(24, 15, 15))) == 1
    assert verdict(HARBOR, COLOR, local(24, 15, 15), taken, NOW) == "ok"


# -- notice and horizon --------------------------------------------------------------------------

@pytest.mark.parametrize("start, reason", [
    (local(23, 9), "past"),
    (local(23, 11, 45), "too_soon"),  # 1h45 from 10:00, notice is 2h
    (local(23, 12), "ok"),  # exactly 2h
    (local(23, 10) + timedelta(days=30), "ok"),  # Wed Dec 23 10:00, the horizon's edge
    (local(23, 10, 15) + timedelta(days=30), "too_far"),
])
def test_notice_and_horizon(start, reason):
    assert verdict(HARBOR, HAIRCUT, start, [], NOW) == reason


def test_free_starts_today_begin_after_the_notice():
    starts = free_starts(HARBOR, HAIRCUT, date(2026, 11, 23), [], NOW)
    assert starts[0].astimezone(NEW_YORK).time() == time(12, 0)


def test_free_starts_within_a_part_of_the_day():
    starts = free_starts(HARBOR, HAIRCUT, date(2026, 11, 24), [], NOW, "afternoon")
    assert starts[0].astimezone(NEW_YORK).time() == time(12, 0)
    assert starts[-1].astimezone(NEW_YORK).time() == time(16, 45)


# -- alternatives ------------------------------------------------------------------------------

def test_nearest_free_times_to_a_taken_one():
    three_pm = local(24, 15)
    full = busy((three_pm, 30), (three_pm, 30))  # both chairs 15:00-15:35
    starts = nearest_free(HARBOR, HAIRCUT, three_pm, full, NOW)  # 14:30 would run into 15:00
    assert [s.astimezone(NEW_YORK).strftime("%H:%M") for s in starts] == ["14:00", "14:15", "15:45"]  # a tie goes to the earlier


def test_nearest_free_times_to_a_full_day_are_on_the_days_around_it():
    day = date(2026, 11, 24)
    full = [Interval(at_local(HARBOR, day, time(8)), at_local(HARBOR, day, time(20)))] * 2
    starts = nearest_free(HARBOR, HAIRCUT, local(24, 9), full, NOW)
    assert {s.astimezone(NEW_YORK).date() for s in starts} <= {date(2026, 11, 23), date(2026, 11, 25)}
    assert len(starts) == 3 and starts == sorted(starts)


def test_no_alternatives_in_the_past_or_beyond_the_horizon():
    starts = nearest_free(HARBOR, HAIRCUT, local(23, 8), [], NOW, count=50)
    assert all(verdict(HARBOR, HAIRCUT, s, [], NOW) == "ok" for s in starts)
    edge = local(23, 10) + timedelta(days=30)
    late = nearest_free(HARBOR, HAIRCUT, edge + timedelta(hours=6), [], NOW, count=5)
    assert late and all(s <= edge for s in late)


# -- the days the clocks change -----------------------------------------------------------------

def open_all_night(**hours):
    rules = HARBOR.booking.model_copy(update={"min_notice": timedelta(0), "horizon": timedelta(days=400)})
    return HARBOR.model_copy(update={"hours": {"mon-sun": (time(0), time(6))}, "booking": rules})


def test_spring_forward_skips_the_missing_hour_and_keeps_true_durations():
    tenant = open_all_night()
    day = date(2026, 3, 8)  # 02:00 EST jumps to 03:00 EDT
    walls = [s.astimezone(NEW_YORK).strftime("%H:%M") for s in grid_starts(tenant, HAIRCUT, day)]
    assert "02:00" not in walls and "02:30" not in walls
    assert walls[walls.index("01:45") + 1] == "03:00"
    last = grid_starts(tenant, COLOR, day)[-1]  # 90 minutes of real time before 06:00 EDT
    assert last.astimezone(NEW_YORK).strftime("%H:%M") == "04:30"
    before = datetime(2026, 3, 7, tzinfo=timezone.utc)
    assert verdict(tenant, HAIRCUT, at_local(tenant, day, time(3)), [], before) == "ok"


def test_fall_back_grid_follows_the_wall_clock():
    tenant = open_all_night()
    day = date(2026, 11, 1)  # 02:00 EDT falls back to 01:00 EST
    starts = grid_starts(tenant, HAIRCUT, day)
    assert starts[0].utcoffset() == timedelta(0) and starts[0].astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)
    six_am = datetime(2026, 11, 1, 6, tzinfo=NEW_YORK)
    assert starts[-1] + HAIRCUT.duration <= six_am.astimezone(timezone.utc)
    assert six_am.utcoffset() == timedelta(hours=-5)


def test_the_day_after_the_change_is_on_the_new_offset():
    monday = grid_starts(HARBOR, HAIRCUT, date(2026, 3, 9))[0]
    friday = grid_starts(HARBOR, HAIRCUT, date(2026, 3, 6))[0]
    assert monday.astimezone(NEW_YORK).hour == friday.astimezone(NEW_YORK).hour == 9
    assert monday.hour == 13 and friday.hour == 14  # UTC: EDT is 4 hours behind, EST 5


def test_booking_rules_defaults_are_sane():
    rules = Booking()
    assert rules.chairs == 1 and rules.slot_step == timedelta(minutes=15)

"""Days and times as customers write them, read in the tenant's zone."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from agents.understanding.text import fold
from agents.understanding.when import read_when
from tests.understanding.labelled import harbor

MONDAY = datetime.fromisoformat("2026-11-23T10:00:00-05:00")
SATURDAY = datetime.fromisoformat("2026-11-28T10:00:00-05:00")
SUNDAY = datetime.fromisoformat("2026-11-29T10:00:00-05:00")
LATE_SUNDAY_UTC = datetime.fromisoformat("2026-11-30T02:00:00+00:00")  # still Sunday in New York


@pytest.fixture(scope="module")
def tenant():
    return harbor()


@pytest.mark.parametrize("text, now, day, clock", [
    ("tomorrow at 3", MONDAY, date(2026, 11, 24), time(15)),
    ("monday at 3", MONDAY, date(2026, 11, 30), time(15)),          # today's name: next week
    ("this monday at 3", MONDAY, date(2026, 11, 23), time(15)),
    ("next tuesday", MONDAY, date(2026, 12, 1), None),
    ("next tuesday", datetime.fromisoformat("2026-11-26T10:00:00-05:00"), date(2026, 12, 1), None),
    ("this weekend", MONDAY, date(2026, 11, 28), None),
    ("this weekend", SUNDAY, date(2026, 11, 29), None),
    ("tomorrow", LATE_SUNDAY_UTC, date(2026, 11, 30), None),        # the tenant's day, not UTC's
    ("the 23rd", MONDAY, date(2026, 11, 23), None),
    ("the 22nd", MONDAY, date(2026, 12, 22), None),
    ("jan 5 at 9", MONDAY, date(2027, 1, 5), time(9)),
    ("5 de enero", MONDAY, date(2027, 1, 5), None),
    ("thanksgiving", MONDAY, date(2026, 11, 26), None),
    ("wensday at 10", MONDAY, date(2026, 11, 25), time(10)),
    ("thurday 4:15", MONDAY, date(2026, 11, 26), time(16, 15)),
    ("saturday at 5", MONDAY, date(2026, 11, 28), time(17)),
    ("yesterday at 3", MONDAY, date(2026, 11, 22), time(15)),       # past days stay past: the agent says so
    ("ayer", MONDAY, date(2026, 11, 22), None),
    ("the day before yesterday", MONDAY, date(2026, 11, 21), None),
    ("last friday", MONDAY, date(2026, 11, 20), None),
    ("last monday", MONDAY, date(2026, 11, 16), None),
    ("last friday", SATURDAY, date(2026, 11, 27), None),
    ("at 8", MONDAY, None, time(8)),
    ("at 12", MONDAY, None, time(12)),
    ("7am", MONDAY, None, time(7)),
    ("at 10 tonight", MONDAY, date(2026, 11, 23), time(22)),
    ("half past 2", MONDAY, None, time(14, 30)),
    ("quarter to 11", MONDAY, None, time(10, 45)),
    ("a las 4 y media", MONDAY, None, time(16, 30)),
    ("mañana por la mañana", MONDAY, date(2026, 11, 24), None),
    ("pasado mañana a las 11", MONDAY, date(2026, 11, 25), time(11)),
    ("from 2 to 4 on friday", MONDAY, date(2026, 11, 27), time(16)),
    ("friday not thursday", MONDAY, date(2026, 11, 27), None),
    ("3 people at 2", MONDAY, None, time(14)),
    ("my son is 7", MONDAY, None, None),
    ("$35 for a cut?", MONDAY, None, None),
])
def test_day_and_time(tenant, text, now, day, clock):
    when = read_when(fold(text), tenant, now)
    assert (when.day, when.time) == (day, clock)


def test_a_moment_in_two_hours_is_in_the_tenants_zone(tenant):
    when = read_when(fold("in 2 hours"), tenant, datetime.fromisoformat("2026-11-23T15:00:00+00:00"))
    assert when.at == datetime.fromisoformat("2026-11-23T12:00:00-05:00")
    assert (when.day, when.time) == (date(2026, 11, 23), time(12))


def test_day_first_dates_outside_north_america(tenant):
    british = tenant.model_copy(update={"country": "GB", "timezone": "Europe/London"})
    assert read_when(fold("12/2"), british, MONDAY).day == date(2027, 2, 12)
    assert read_when(fold("12/2"), tenant, MONDAY).day == date(2026, 12, 2)


@pytest.mark.parametrize("text, period", [
    ("tomorrow morning", "morning"), ("after lunch", "afternoon"), ("tonight", "evening"),
    ("en la tarde", "afternoon"), ("after work", "evening"), ("first thing", "morning")])
def test_periods(tenant, text, period):
    assert read_when(fold(text), tenant, SATURDAY).period == period

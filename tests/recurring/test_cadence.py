"""Cadence rules: cron and RRULE in the tenant's zone, across daylight-saving changes.

Slots are written as local time with its UTC offset, so a DST change shows as the
offset moving while the clock time stays put. 2026 changes: New York Mar 8 (02:00 ->
03:00) and Nov 1 (02:00 -> 01:00); London Mar 29 and Oct 25 (at 01:00 UTC); Sydney
Apr 5 (03:00 -> 02:00) and Oct 4 (02:00 -> 03:00).
"""
from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from recurring.cadence import parse_cadence

NY = "America/New_York"
LONDON = "Europe/London"
SYDNEY = "Australia/Sydney"


def slots(cadence: str, zone: str, start: str, end: str) -> list[str]:
    found = parse_cadence(cadence).slots_between(
        datetime.fromisoformat(start), datetime.fromisoformat(end), ZoneInfo(zone))
    assert all(s.tzinfo is UTC for s in found)
    return [s.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes") for s in found]


@pytest.mark.parametrize("cadence, zone, start, end, expected", [
    # ordinary days; start is exclusive, end inclusive
    ("0 9 * * 1-6", NY, "2026-03-03T08:59-05:00", "2026-03-03T09:00-05:00", ["2026-03-03T09:00-05:00"]),
    ("0 9 * * 1-6", NY, "2026-03-03T09:00-05:00", "2026-03-03T09:01-05:00", []),
    ("0 9 * * 1-6", NY, "2026-03-03T14:00:30+00:00", "2026-03-03T14:01:30+00:00", []),
    ("RRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE=0", NY,
     "2026-03-03T08:59-05:00", "2026-03-03T09:00-05:00", ["2026-03-03T09:00-05:00"]),
    # 09:00 stays 09:00 local across spring forward (Sunday skipped: 1-6 is Mon-Sat)
    ("0 9 * * 1-6", NY, "2026-03-06T12:00-05:00", "2026-03-10T12:00-04:00",
     ["2026-03-07T09:00-05:00", "2026-03-09T09:00-04:00", "2026-03-10T09:00-04:00"]),
    ("RRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE=0", NY, "2026-03-07T12:00-05:00", "2026-03-09T12:00-04:00",
     ["2026-03-08T09:00-04:00", "2026-03-09T09:00-04:00"]),
    # ... and across fall back
    ("0 9 * * *", NY, "2026-10-31T00:00-04:00", "2026-11-02T12:00-05:00",
     ["2026-10-31T09:00-04:00", "2026-11-01T09:00-05:00", "2026-11-02T09:00-05:00"]),
    ("RRULE:FREQ=DAILY;BYHOUR=9", NY, "2026-10-31T00:00-04:00", "2026-11-01T12:00-05:00",
     ["2026-10-31T09:00-04:00", "2026-11-01T09:00-05:00"]),
    # 02:30 does not exist on spring-forward night: it fires once, at 03:00
    ("30 2 * * *", NY, "2026-03-07T00:00-05:00", "2026-03-09T12:00-04:00",
     ["2026-03-07T02:30-05:00", "2026-03-08T03:00-04:00", "2026-03-09T02:30-04:00"]),
    ("RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=30", NY, "2026-03-07T00:00-05:00", "2026-03-09T12:00-04:00",
     ["2026-03-07T02:30-05:00", "2026-03-08T03:00-04:00", "2026-03-09T02:30-04:00"]),
    ("0,30 2 * * *", NY, "2026-03-08T00:00-05:00", "2026-03-08T12:00-04:00", ["2026-03-08T03:00-04:00"]),
    # the minute windows around the gap: the 03:00 slot belongs to exactly one of them
    ("30 2 * * *", NY, "2026-03-08T01:59-05:00", "2026-03-08T03:00-04:00", ["2026-03-08T03:00-04:00"]),
    ("30 2 * * *", NY, "2026-03-08T03:00-04:00", "2026-03-08T03:01-04:00", []),
    # 01:30 happens twice on fall-back night: it fires once, the first time
    ("30 1 * * *", NY, "2026-10-31T00:00-04:00", "2026-11-02T12:00-05:00",
     ["2026-10-31T01:30-04:00", "2026-11-01T01:30-04:00", "2026-11-02T01:30-05:00"]),
    ("RRULE:FREQ=DAILY;BYHOUR=1;BYMINUTE=30", NY, "2026-11-01T00:00-04:00", "2026-11-01T12:00-05:00",
     ["2026-11-01T01:30-04:00"]),
    ("30 1 * * *", NY, "2026-11-01T01:29-05:00", "2026-11-01T01:31-05:00", []),
    # long windows that start or end in the repeated hour
    ("*/30 * * * *", NY, "2026-11-01T01:50-04:00", "2026-11-01T02:30-05:00",
     ["2026-11-01T01:00-05:00", "2026-11-01T01:30-05:00", "2026-11-01T02:00-05:00", "2026-11-01T02:30-05:00"]),
    ("30 1 * * *", NY, "2026-11-01T01:31-04:00", "2026-11-03T00:00-05:00", ["2026-11-02T01:30-05:00"]),
    ("30 1 * * *", NY, "2026-10-31T00:00-04:00", "2026-11-01T01:40-05:00",
     ["2026-10-31T01:30-04:00", "2026-11-01T01:30-04:00"]),
    # weekday lists, over a window of several days
    ("RRULE:FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=10;BYMINUTE=0", NY, "2026-03-01T00:00-05:00", "2026-03-13T00:00-04:00",
     ["2026-03-02T10:00-05:00", "2026-03-05T10:00-05:00", "2026-03-09T10:00-04:00", "2026-03-12T10:00-04:00"]),
    ("0 10 * * 1,4", NY, "2026-03-01T00:00-05:00", "2026-03-06T00:00-05:00",
     ["2026-03-02T10:00-05:00", "2026-03-05T10:00-05:00"]),
    ("30 18 * * 1-6", NY, "2026-03-15T00:00-04:00", "2026-03-22T00:00-04:00",
     [f"2026-03-{day}T18:30-04:00" for day in range(16, 22)]),
    ("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", NY, "2026-03-01T00:00-05:00", "2026-03-31T00:00-04:00",
     ["2026-03-09T00:00-04:00", "2026-03-23T00:00-04:00"]),  # even weeks from 2001-01-01
    ("RRULE:FREQ=MONTHLY", NY, "2026-01-15T00:00-05:00", "2026-04-15T00:00-04:00",
     ["2026-02-01T00:00-05:00", "2026-03-01T00:00-05:00", "2026-04-01T00:00-04:00"]),
    # empty windows
    ("* * * * *", NY, "2026-03-03T09:00-05:00", "2026-03-03T09:00-05:00", []),
    ("* * * * *", NY, "2026-03-03T09:00-05:00", "2026-03-03T08:00-05:00", []),
    # London: 09:00 across both changes; 01:30 is in the spring gap and the autumn repeat
    ("0 9 * * *", LONDON, "2026-03-28T00:00+00:00", "2026-03-29T12:00+01:00",
     ["2026-03-28T09:00+00:00", "2026-03-29T09:00+01:00"]),
    ("30 1 * * *", LONDON, "2026-03-29T00:00+00:00", "2026-03-29T12:00+01:00", ["2026-03-29T02:00+01:00"]),
    ("30 1 * * *", LONDON, "2026-10-25T00:00+01:00", "2026-10-25T12:00+00:00", ["2026-10-25T01:30+01:00"]),
    # Sydney: summer time ends in April and starts in October
    ("0 9 * * *", SYDNEY, "2026-04-04T00:00+11:00", "2026-04-05T12:00+10:00",
     ["2026-04-04T09:00+11:00", "2026-04-05T09:00+10:00"]),
    ("30 2 * * *", SYDNEY, "2026-04-05T00:00+11:00", "2026-04-05T12:00+10:00", ["2026-04-05T02:30+11:00"]),
    ("30 2 * * *", SYDNEY, "2026-10-04T00:00+10:00", "2026-10-04T12:00+11:00", ["2026-10-04T03:00+11:00"]),
    ("RRULE:FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30", SYDNEY,
     "2026-10-01T00:00+10:00", "2026-10-12T00:00+11:00", ["2026-10-04T03:00+11:00", "2026-10-11T02:30+11:00"]),
])
def test_slots_between(cadence, zone, start, end, expected):
    assert slots(cadence, zone, start, end) == expected


@pytest.mark.parametrize("rule, start, days", [
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", datetime(2026, 3, 1), 90),
    ("FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=31", datetime(2025, 1, 1), 800),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", datetime(2023, 1, 1), 3000),
    ("FREQ=HOURLY;INTERVAL=7", datetime(2026, 3, 1), 5),
    ("FREQ=MINUTELY;INTERVAL=13;BYHOUR=9", datetime(2026, 3, 1), 2),
])
def test_rrule_is_anchored_at_2001(rule, start, days):
    """Expanding from a nearby start (for speed) gives the dates a 2001 DTSTART gives."""
    end = start + timedelta(days=days)
    expected = rrulestr(rule, dtstart=datetime(2001, 1, 1)).between(start, end, inc=True)
    found = parse_cadence(f"RRULE:{rule}").slots_between(
        start.replace(tzinfo=UTC) - timedelta(seconds=1), end.replace(tzinfo=UTC), ZoneInfo("UTC"))
    assert [s.replace(tzinfo=None) for s in found] == expected


@pytest.mark.parametrize("cadence, zone, day, count", [
    ("0 * * * *", NY, date(2026, 3, 8), 23),
    ("0 * * * *", NY, date(2026, 3, 9), 24),
    ("0 * * * *", NY, date(2026, 11, 1), 25),
    ("*/15 * * * *", NY, date(2026, 3, 8), 23 * 4),
    ("*/15 * * * *", NY, date(2026, 11, 1), 25 * 4),
    ("RRULE:FREQ=HOURLY", NY, date(2026, 3, 8), 23),
    ("RRULE:FREQ=HOURLY", NY, date(2026, 11, 1), 25),
    ("0 * * * *", LONDON, date(2026, 3, 29), 23),
    ("0 * * * *", LONDON, date(2026, 10, 25), 25),
    ("0 * * * *", SYDNEY, date(2026, 4, 5), 25),
    ("0 * * * *", SYDNEY, date(2026, 10, 4), 23),
    ("0 9 * * *", NY, date(2026, 3, 8), 1),
])
def test_slots_in_a_local_day(cadence, zone, day, count):
    """By-the-clock cadences follow elapsed time: 23 or 25 hours on DST days."""
    tz = ZoneInfo(zone)
    midnight = datetime.combine(day, datetime.min.time(), tz)
    next_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    found = parse_cadence(cadence).slots_between(midnight, next_midnight, tz)
    assert len(found) == len(set(found)) == count


@pytest.mark.parametrize("cadence", [
    "30 1 * * *", "30 2 * * *", "0,30 2 * * *", "0 * * * *", "*/15 * * * *",
    "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=30", "RRULE:FREQ=MINUTELY;INTERVAL=20",
])
@pytest.mark.parametrize("day", [date(2026, 3, 8), date(2026, 11, 1)])
def test_ticks_of_one_minute_find_what_one_long_window_finds(cadence, day):
    """Short windows take a cheaper path than long ones; across a DST night they agree,
    and every slot lands in exactly one tick."""
    tz = ZoneInfo(NY)
    start = datetime.combine(day, datetime.min.time(), tz).astimezone(UTC) + timedelta(seconds=30)
    ticks = [start + timedelta(minutes=i) for i in range(27 * 60)]
    by_tick = [s for a, b in zip(ticks, ticks[1:]) for s in parse_cadence(cadence).slots_between(a, b, tz)]
    assert by_tick == parse_cadence(cadence).slots_between(ticks[0], ticks[-1], tz)


@pytest.mark.parametrize("cadence, zone, at, expected", [
    ("0 9 * * 1-6", NY, "2026-03-09T08:00-04:00", "2026-03-07T09:00-05:00"),  # over Sunday and DST
    ("0 9 * * 1-6", NY, "2026-03-03T09:00-05:00", "2026-03-03T09:00-05:00"),  # at a slot: that slot
    ("30 2 * * *", NY, "2026-03-08T04:00-04:00", "2026-03-08T03:00-04:00"),
    ("30 1 * * *", NY, "2026-11-01T01:45-05:00", "2026-11-01T01:30-04:00"),
    ("0 * * * *", NY, "2026-11-01T01:30-05:00", "2026-11-01T01:00-05:00"),
    ("RRULE:FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=10;BYMINUTE=0", NY, "2026-03-11T12:00-04:00", "2026-03-09T10:00-04:00"),
    ("0 0 29 2 *", NY, "2026-03-01T00:00-05:00", "2024-02-29T00:00-05:00"),
])
def test_previous_slot(cadence, zone, at, expected):
    found = parse_cadence(cadence).previous_slot(datetime.fromisoformat(at), ZoneInfo(zone))
    assert found.tzinfo is UTC
    assert found == datetime.fromisoformat(expected)


def test_previous_slot_is_none_before_any_slot():
    cadence = parse_cadence("RRULE:FREQ=DAILY")
    assert cadence.previous_slot(datetime(2000, 6, 1, tzinfo=UTC), ZoneInfo(NY)) is None


@pytest.mark.parametrize("text, reason", [
    ("", "5 cron fields"),
    ("0 9 * *", "5 cron fields"),
    ("0 0 9 * * *", "5 cron fields"),
    ("@daily", "5 cron fields"),
    ("61 9 * * *", "out of range"),
    ("0 25 * * *", "out of range"),
    ("0 9 * * 8", "out of range"),
    ("every day at nine", "5 cron fields"),
    ("a b c d e", "not acceptable"),
    ("0 0 30 2 *", "failed to find"),
    ("RRULE:", "NAME=value"),
    ("RRULE:FREQ=DAILY;BYHOUR", "NAME=value"),
    ("RRULE:BYHOUR=9", "FREQ must be"),
    ("RRULE:FREQ=SECONDLY", "FREQ must be"),
    ("RRULE:FREQ=DAILY;COUNT=3", "COUNT"),
    ("RRULE:FREQ=DAILY;DTSTART=20260101T090000", "DTSTART"),
    ("RRULE:FREQ=DAILY;BYSECOND=0", "BYSECOND"),
    ("RRULE:FREQ=DAILY;UNTIL=20261231T000000Z", "UNTIL"),
    ("RRULE:FREQ=DAILY;BYHOUR=25", "hour must be"),
    ("RRULE:FREQ=DAILY;BYDAY=XX", "BYDAY"),
    ("RRULE:FREQ=DAILY;INTERVAL=0", "INTERVAL"),
    ("RRULE:FREQ=DAILY;FOO=1", "FOO"),
])
def test_invalid_cadences_raise_value_error(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_cadence(text)


def test_a_cadence_is_parsed_once_and_frozen():
    cadence = parse_cadence("0 9 * * 1-6")
    assert parse_cadence("0 9 * * 1-6") is cadence
    with pytest.raises(dataclasses.FrozenInstanceError):
        cadence.text = "0 10 * * *"

"""When a recurring task fires: cron or RRULE cadences read in the tenant's time zone.

A cadence is wall-clock time: "0 9 * * *" fires at 09:00 local on both sides of a
daylight-saving change. Rules are expanded in naive local time (croniter for cron,
dateutil for RRULE) and only then placed on the UTC line with zoneinfo, so the two
DST nights are decided here, in `_place`:

- Spring forward (a local time that does not exist, e.g. 02:30 on 2026-03-08 in New
  York): a fixed-time slot fires once, at the first instant after the gap (03:00
  local), so a 02:30 daily job still runs that day.
- Fall back (a local time that happens twice, e.g. 01:30 on 2026-11-01): a fixed-time
  slot fires once, at the first occurrence (fold=0).
- Cadences that run by the clock rather than at a fixed time follow elapsed time, as
  Vixie cron does (cron(8)): cron with "*" leading the minute or hour field
  ("0 * * * *", "*/15 * * * *") and RRULE FREQ=HOURLY or MINUTELY. They skip the
  missing hour and run in both copies of the repeated one, so an hourly job runs 23
  times on spring-forward day and 25 times on fall-back day.

An RRULE has no DTSTART of its own: it is anchored at 2001-01-01 00:00 local time (a
Monday), which fills in whatever the rule leaves out: no BYHOUR fires at 00:00, no
BYMINUTE at :00, WEEKLY without BYDAY on Mondays, MONTHLY without BYMONTHDAY on the
1st, and INTERVAL counts from that date. Seconds are always 0. UNTIL is local time.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from croniter import croniter
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

EPOCH = datetime(2001, 1, 1)  # a Monday: the DTSTART of every RRULE, in local time
_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_QUICK = _HOUR  # two DST changes never fall within an hour of each other
_MARGIN = timedelta(hours=3)  # more than any DST jump: how far a slot's wall time can stray

_UNITS = {  # RRULE FREQ -> the relativedelta unit of one period
    "YEARLY": "years", "MONTHLY": "months", "WEEKLY": "weeks",
    "DAILY": "days", "HOURLY": "hours", "MINUTELY": "minutes",
}
_PERIODS = {  # whole periods from EPOCH to a wall time
    "years": lambda wall: wall.year - EPOCH.year,
    "months": lambda wall: 12 * (wall.year - EPOCH.year) + wall.month - 1,
    "weeks": lambda wall: (wall - EPOCH).days // 7,
    "days": lambda wall: (wall - EPOCH).days,
    "hours": lambda wall: (wall - EPOCH) // _HOUR,
    "minutes": lambda wall: (wall - EPOCH) // _MINUTE,
}
_REFUSED = {  # RRULE parts we cannot honour, and why
    "DTSTART": "the rule is anchored by Onward, leave DTSTART out",
    "COUNT": "it needs a start date, use UNTIL",
    "BYSECOND": "slots are whole minutes",
}


@dataclass(frozen=True)
class _CronWalls:
    proto: croniter  # parsed once; copied per use, since a croniter keeps its position

    def between(self, lo: datetime, hi: datetime) -> list[datetime]:
        """Naive wall times in (lo, hi], in order."""
        it, walls = copy.copy(self.proto), []
        it.set_current(lo)
        wall = it.get_next(datetime)
        while wall <= hi:
            walls.append(wall)
            if wall + _MINUTE > hi:  # walls are whole minutes: no room for another
                break
            wall = it.get_next(datetime)
        return walls


@dataclass(frozen=True)
class _RRuleWalls:
    rule: rrule  # DTSTART = EPOCH
    unit: str
    interval: int

    def between(self, lo: datetime, hi: datetime) -> list[datetime]:
        """Naive wall times in (lo, hi], in order."""
        rule = self.rule.replace(dtstart=self._anchor(lo))
        return [wall for wall in rule.between(lo, hi, inc=True) if wall > lo]

    def _anchor(self, wall: datetime) -> datetime:
        """A DTSTART shortly before `wall` that keeps the rule in step with EPOCH.

        dateutil expands a rule from its DTSTART, so expanding from 2001 on every call
        would be slow. Moving the start by whole INTERVALs yields the same dates; one
        interval early so the period holding `wall` is complete."""
        periods = _PERIODS[self.unit](wall) // self.interval - 1
        return EPOCH + relativedelta(**{self.unit: max(0, periods * self.interval)})


@dataclass(frozen=True)
class Cadence:
    """When a task fires; built by `parse_cadence`, shared freely (it never changes)."""

    text: str
    hours: frozenset[int]  # every hour and minute a slot can have: a cheap screen
    minutes: frozenset[int]
    by_the_clock: bool  # follows elapsed time through DST changes (see module doc)
    walls: _CronWalls | _RRuleWalls = field(repr=False, compare=False)

    def slots_between(self, start: datetime, end: datetime, zone: ZoneInfo) -> list[datetime]:
        """Every slot s with start < s <= end, as aware UTC datetimes, in order."""
        if end <= start:
            return []
        lo, hi = _local_window(start, end, zone)
        if not self._may_fire(lo, hi):  # most calls end here: the window is a minute
            return []
        walls = self.walls.between(lo, hi)
        slots = {s for wall in walls for s in _place(wall, zone, self.by_the_clock)}
        return sorted(s for s in slots if start < s <= end)

    def previous_slot(self, at: datetime, zone: ZoneInfo) -> datetime | None:
        """The latest slot at or before `at` (UTC), or None if there is none since 2001.

        Looks back through ever longer windows, so the DST rules are the ones above."""
        end, span = at, _MINUTE
        while end > EPOCH.replace(tzinfo=UTC) - _DAY:
            if slots := self.slots_between(end - span, end, zone):
                return slots[-1]
            end, span = end - span, span * 2
        return None

    def _may_fire(self, lo: datetime, hi: datetime) -> bool:
        """Could any minute in (lo, hi] match the hours and minutes? False means no slot;
        True means ask the rule (which also knows days, months and weekdays)."""
        if hi - lo > _DAY:
            return True
        t = lo.replace(second=0, microsecond=0) + _MINUTE
        while t <= hi:
            if t.hour not in self.hours:
                t = t.replace(minute=0) + _HOUR
            elif t.minute in self.minutes:
                return True
            else:
                t += _MINUTE
        return False


@lru_cache(maxsize=4096)
def parse_cadence(text: str) -> Cadence:
    """A 5-field cron ("0 9 * * 1-6") or "RRULE:FREQ=...". Raises ValueError."""
    text = text.strip()
    if text[:6].upper() == "RRULE:":
        return _parse_rrule(text)
    return _parse_cron(text)


def _parse_cron(text: str) -> Cadence:
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(f"bad cadence {text!r}: expected 5 cron fields "
                         "(minute hour day month weekday) or RRULE:...")
    try:
        proto = croniter(text, EPOCH)
        copy.copy(proto).get_next(datetime)  # a cron that never fires raises here
    except ValueError as exc:  # croniter's errors are ValueErrors
        raise ValueError(f"bad cron {text!r}: {exc}") from None
    minutes, hours = proto.expanded[0], proto.expanded[1]
    return Cadence(
        text=text,
        hours=frozenset(range(24) if hours == ["*"] else hours),
        minutes=frozenset(range(60) if minutes == ["*"] else minutes),
        by_the_clock=fields[0].startswith("*") or fields[1].startswith("*"),
        walls=_CronWalls(proto),
    )


def _parse_rrule(text: str) -> Cadence:
    body = text[6:]
    parts = _rrule_parts(text, body)
    freq = parts.get("FREQ")
    if freq not in _UNITS:
        raise ValueError(f"bad RRULE {text!r}: FREQ must be one of {', '.join(_UNITS)}")
    try:
        interval = int(parts.get("INTERVAL", "1"))
        rule = rrulestr(body, dtstart=EPOCH)
        hours = _numbers(parts.get("BYHOUR"), range(24) if freq in ("HOURLY", "MINUTELY") else [0])
        minutes = _numbers(parts.get("BYMINUTE"), range(60) if freq == "MINUTELY" else [0])
    except ValueError as exc:
        raise ValueError(f"bad RRULE {text!r}: {exc}") from None
    if interval < 1:
        raise ValueError(f"bad RRULE {text!r}: INTERVAL must be at least 1")
    return Cadence(
        text=text, hours=hours, minutes=minutes,
        by_the_clock=freq in ("HOURLY", "MINUTELY"),
        walls=_RRuleWalls(rule, _UNITS[freq], interval),
    )


def _rrule_parts(text: str, body: str) -> dict[str, str]:
    """NAME=value pairs, refusing the ones a DTSTART-less, per-minute rule can't use."""
    pairs = [part.partition("=") for part in body.upper().split(";") if part]
    if not pairs or any(not eq or not value for _, eq, value in pairs):
        raise ValueError(f"bad RRULE {text!r}: expected NAME=value parts separated by ';'")
    parts = {name: value for name, _, value in pairs}
    for name, reason in _REFUSED.items():
        if name in parts:
            raise ValueError(f"bad RRULE {text!r}: {name} is not accepted: {reason}")
    if parts.get("UNTIL", "").endswith("Z"):
        raise ValueError(f"bad RRULE {text!r}: UNTIL is local time here, drop the Z")
    return parts


def _numbers(value: str | None, default: Iterable[int]) -> frozenset[int]:
    return frozenset(default if value is None else (int(v) for v in value.split(",")))


@lru_cache(maxsize=1024)
def _local_window(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The naive local range that holds the wall time of every slot in (start, end].

    Cached: the scheduler asks the same window for every task of a tick. Wall time
    is UTC shifted by the offset, so the range is exact unless the offset changes
    near an end; there it is widened by more than any DST jump (`slots_between`
    filters what falls outside)."""
    lo, hi = _wall(start, zone), _wall(end, zone)
    if end - start <= _QUICK and hi - lo == end - start:
        return lo, hi  # the common case: a short window with one offset throughout
    if _offset_changes_near(start, zone):
        lo -= _MARGIN
    if _offset_changes_near(end, zone):
        hi += _MARGIN
    return lo, hi


def _offset_changes_near(moment: datetime, zone: ZoneInfo) -> bool:
    before, after = (moment - _MARGIN).astimezone(zone), (moment + _MARGIN).astimezone(zone)
    return before.utcoffset() != after.utcoffset()


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None, fold=0)


def _place(wall: datetime, zone: ZoneInfo, by_the_clock: bool) -> tuple[datetime, ...]:
    """The UTC instants at which a local wall time fires (the DST rules of the module doc)."""
    first = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the offset before a change
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)  # fold=1: the offset after
    if first == second:
        return (first,)
    if first < second:  # clocks went back: this wall time happens twice
        return (first, second) if by_the_clock else (first,)
    # clocks went forward: this wall time does not exist; `second` lies before the gap
    return () if by_the_clock else (_end_of_gap(second, first, zone),)


def _end_of_gap(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant with the new UTC offset, by bisection over whole seconds
    (zoneinfo does not expose its transition times)."""
    offset = before.astimezone(zone).utcoffset()
    lo, hi = int(before.timestamp()), int(after.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == offset:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)

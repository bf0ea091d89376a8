"""When a service can start: opening hours, the slot grid, chairs, buffer, notice, horizon.

Pure functions of the tenant's config, the busy intervals and `now`. The grid is laid in
the tenant's wall-clock time and every moment is compared in UTC, so a day when the
clocks change has the right starts and true durations. Times that don't exist on that
day (the hour skipped in spring) are never offered.

    verdict(tenant, service, start, busy, now)      "ok" or why not: past, too_soon, ...
    nearest_free(tenant, service, wanted, busy, now) the free starts closest to `wanted`
    free_starts(tenant, service, day, busy, now)     a day's free starts, in order
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Sequence

from config.schema import DAYS, Service, Tenant, days_of

PERIODS = {"morning": (time(0), time(12)), "afternoon": (time(12), time(17)),
           "evening": (time(17), time(23, 59, 59))}
SEARCH_DAYS = 7  # alternatives are looked for this many days either side of the wish


@dataclass(frozen=True)
class Interval:
    """A span of a chair's time, UTC; a booking's span includes the buffer after it."""

    start: datetime
    end: datetime


def hours_on(tenant: Tenant, day: date) -> tuple[time, time] | None:
    """Opening and closing time on a local day; None when closed (or not listed)."""
    weekday = DAYS[day.weekday()]
    for key, value in tenant.hours.items():
        if weekday in days_of(key):
            return None if value == "closed" else value
    return None


def local_day(tenant: Tenant, moment: datetime) -> date:
    return moment.astimezone(tenant.zone).date()


def at_local(tenant: Tenant, day: date, clock: time) -> datetime | None:
    """The UTC moment of a wall-clock time on a local day; None if the clocks skip it."""
    naive = datetime.combine(day, clock)
    moment = naive.replace(tzinfo=tenant.zone).astimezone(timezone.utc)
    if moment.astimezone(tenant.zone).replace(tzinfo=None) != naive:
        return None
    return moment


def grid_starts(tenant: Tenant, service: Service, day: date) -> list[datetime]:
    """Every start on the slot grid that day at which the service ends by closing time."""
    hours = hours_on(tenant, day)
    if hours is None:
        return []
    closes = _closing(tenant, day, hours[1])
    starts, wall = [], datetime.combine(day, hours[0])
    while wall.date() == day and wall.time() < hours[1]:
        start = at_local(tenant, day, wall.time())
        if start is not None and start + service.duration <= closes:
            starts.append(start)
        wall += tenant.booking.slot_step
    return starts


def _closing(tenant: Tenant, day: date, clock: time) -> datetime:
    moment = at_local(tenant, day, clock)
    return moment or datetime.combine(day, clock, tenant.zone).astimezone(timezone.utc)


def span(tenant: Tenant, service: Service, start: datetime) -> Interval:
    """The chair time a booking of this service takes: its duration plus the buffer."""
    return Interval(start, start + service.duration + tenant.booking.buffer)


def peak_overlap(busy: Iterable[Interval], window: Interval) -> int:
    """The most busy intervals that overlap at any one moment inside the window."""
    edges = []
    for b in busy:
        if b.start < window.end and window.start < b.end:
            edges += [(max(b.start, window.start), 1), (min(b.end, window.end), -1)]
    peak = current = 0
    for _, step in sorted(edges):  # an end sorts before a start at the same moment
        current += step
        peak = max(peak, current)
    return peak


def has_chair(tenant: Tenant, service: Service, start: datetime, busy: Sequence[Interval]) -> bool:
    return peak_overlap(busy, span(tenant, service, start)) < tenant.booking.chairs


def verdict(tenant: Tenant, service: Service, start: datetime, busy: Sequence[Interval],
            now: datetime) -> str:
    """"ok", or the first reason the service can't start then:
    past, too_soon, too_far, closed, outside_hours, off_grid, taken."""
    rules = tenant.booking
    if start <= now:
        return "past"
    if start < now + rules.min_notice:
        return "too_soon"
    if start > now + rules.horizon:
        return "too_far"
    day = local_day(tenant, start)
    hours = hours_on(tenant, day)
    if hours is None:
        return "closed"
    if not _within(tenant, day, hours, service, start):
        return "outside_hours"
    if start not in grid_starts(tenant, service, day):
        return "off_grid"
    return "ok" if has_chair(tenant, service, start, busy) else "taken"


def _within(tenant: Tenant, day: date, hours: tuple[time, time], service: Service, start: datetime) -> bool:
    opens = at_local(tenant, day, hours[0]) or _closing(tenant, day, hours[0])
    return opens <= start and start + service.duration <= _closing(tenant, day, hours[1])


def is_open_for(tenant: Tenant, start: datetime, now: datetime) -> bool:
    """Within the notice and the horizon: a start a customer may ask for at all."""
    rules = tenant.booking
    return now + rules.min_notice <= start <= now + rules.horizon


def free_starts(tenant: Tenant, service: Service, day: date, busy: Sequence[Interval],
                now: datetime, period: str | None = None) -> list[datetime]:
    """The day's free starts in order, within a period of the day when one is given."""
    starts = [s for s in grid_starts(tenant, service, day)
              if is_open_for(tenant, s, now) and in_period(tenant, s, period)]
    if not starts:
        return []
    that_day = Interval(starts[0], span(tenant, service, starts[-1]).end)
    nearby = [b for b in busy if b.start < that_day.end and that_day.start < b.end]
    return [s for s in starts if has_chair(tenant, service, s, nearby)]


def in_period(tenant: Tenant, start: datetime, period: str | None) -> bool:
    if period not in PERIODS:
        return True
    first, last = PERIODS[period]
    return first <= start.astimezone(tenant.zone).time() < last


def nearest_free(tenant: Tenant, service: Service, wanted: datetime, busy: Sequence[Interval],
                 now: datetime, count: int = 3) -> list[datetime]:
    """The `count` free starts closest to `wanted` (a week either side), in time order."""
    candidates = []
    for day in search_days(tenant, wanted, now):
        candidates += free_starts(tenant, service, day, busy, now)
    closest = sorted(candidates, key=lambda s: (abs(s - wanted), s))[:count]
    return sorted(closest)


def search_days(tenant: Tenant, wanted: datetime, now: datetime) -> list[date]:
    """The local days to look for alternatives in: around the wish, never before today."""
    today, center = local_day(tenant, now), local_day(tenant, wanted)
    last = local_day(tenant, now + tenant.booking.horizon)
    first = max(today, center - timedelta(days=SEARCH_DAYS))
    end = min(last, max(center, today) + timedelta(days=SEARCH_DAYS))
    return [first + timedelta(days=i) for i in range((end - first).days + 1)]


def search_window(tenant: Tenant, wanted: datetime, now: datetime) -> Interval:
    """The UTC span whose bookings nearest_free needs to see."""
    days = search_days(tenant, wanted, now) or [local_day(tenant, wanted)]
    start = datetime.combine(days[0], time(0), tenant.zone) - timedelta(days=1)
    end = datetime.combine(days[-1], time(0), tenant.zone) + timedelta(days=2)
    return Interval(start.astimezone(timezone.utc), end.astimezone(timezone.utc))

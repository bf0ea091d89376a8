"""When a customer means, in the tenant's time zone: a day, a time, a period, or a moment.

    "tomorrow at 3"            -> day + 15:00 (the reading inside opening hours)
    "next Tuesday afternoon"   -> day + period
    "actually make it 4"       -> time only (the booking agent keeps the session's day)
    "in 2 hours", "in about an hour and a half", "en media hora"
                               -> at (and the day and time it falls on)
Number words are read as digits first (numerals.py): "at three thirty" is "at 3 30".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from agents.understanding.clock import read_clock, read_period, resolve
from agents.understanding.days import day_mentions, read_day
from agents.understanding.hours import opening, widest_hours
from agents.understanding.numerals import digits
from config.schema import Tenant

MONTH_FIRST = frozenset({"US", "CA", "PH"})  # 12/2 is December 2nd there
RELATIVE = re.compile(
    r"\b(?:in|en|within|dentro de) (?:about |around |like |roughly |maybe |approx(?:imately)?\.? |unos |unas )?"
    r"(?:(?P<n>\d{1,3}(?:\.\d)?)|(?P<one>an?|one|una?)|(?P<half>half an?|media)|(?P<couple>a couple(?: of)?|un par de))"
    r" ?(?P<unit>hours?|hrs?|h|minutes?|mins?|horas?|horitas?|minutos?|minutitos?)\b(?P<and_half> and (?:a )?half| y media)?")
COUPLE = 2
OLD_SLOT = re.compile(r"\b(?:my|mi|our|su|la cita de)\b[^,.;!?]{0,20}$")
AT_OPENING = re.compile(r"\b(?:(?:right|just) )?(?:when|as soon as|once) (?:you|u|y'?all|ya|you guys) open\b"
                        r"|\bright at open(?:ing)?\b|\bat opening\b|\bcuando abr(?:an|en)\b")
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?P<clock>[t ]\d{2}:\d{2}(?::\d{2})?(?:z|[+-]\d{2}:?\d{2})?)?(?![\d:])")
PLACED_AFTER = re.compile(r"\b(?P<rel>after|before) (?:my|our|his|her|the) $")  # "after my 1pm meeting"
PHONE = re.compile(r"\(?\b\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b")  # "call me at 617 555 2198" names no time


@dataclass(frozen=True)
class When:
    day: date | None = None
    time: time | None = None
    period: str | None = None
    at: datetime | None = None


def read_when(folded: str, tenant: Tenant, now: datetime) -> When:
    local = now.astimezone(tenant.zone)
    folded = digits(PHONE.sub(" ", folded))
    period = read_period(folded)
    if (at := _relative_moment(folded, local)) is not None:
        return When(day=at.date(), time=at.time().replace(tzinfo=None), period=period, at=at)
    iso_day, iso_time, folded = _iso(folded, tenant)
    us_dates = tenant.country in MONTH_FIRST
    mention = read_day(folded, local.date(), tenant, us_dates)
    day = iso_day or (mention.day if mention else None)
    named = day_mentions(folded, local.date(), tenant, us_dates)  # read once: for the clock, and for whose time it is
    clock = read_clock(folded, [(start, end) for start, end, _ in named])
    if clock and mention and mention.target and clock.start < mention.start and period \
            and OLD_SLOT.search(folded[:clock.start]):
        clock = None  # "switch my wed 2pm to fri morning": the time of the visit being moved ("my 3:00 to sat" keeps it)
    if clock and mention and _of_another_day(folded, clock.start, mention, named):
        clock = None  # "move my trim to monday, parent-teacher night is wed at 6": Wednesday's time
    hours = opening(tenant, day) if day else widest_hours(tenant)
    if clock and (placed := PLACED_AFTER.search(folded[:clock.start])):
        # "after my 5 o'clock thurs": the customer's own hour, and the part of the day after it
        after = resolve(clock, period, hours)
        clock, period = None, period or (_part_of_day(after) if after and placed["rel"] == "after" else None)
    clock_time = iso_time or (resolve(clock, period, hours) if clock else None)
    # "at 6 tonight" is 18:00: the period told the hour's half of the day and has nothing more to say.
    return When(day=day, time=clock_time, period=None if clock_time else period)


def _iso(folded: str, tenant: Tenant) -> tuple[date | None, time | None, str]:
    """ "2026-11-27", "2026-12-08T12:00-05:00": the day (and time, in the tenant's zone), and the
    text with it blanked out, so its digits read as no hour."""
    match = ISO.search(folded)
    if match is None:
        return None, None, folded
    try:
        moment = datetime.fromisoformat(match[0].upper().replace("Z", "+00:00"))
    except ValueError:
        return None, None, folded
    if moment.tzinfo is not None:
        moment = moment.astimezone(tenant.zone)
    blanked = folded[:match.start()] + " " * len(match[0]) + folded[match.end():]
    return moment.date(), moment.time().replace(tzinfo=None) if match["clock"] else None, blanked


def _part_of_day(moment: time) -> str:
    return "morning" if moment.hour < 12 else "afternoon" if moment.hour < 17 else "evening"


def at_opening(when: When, folded: str, tenant: Tenant) -> When:
    """ "take me right when you open saturday": a visit asked for at the day's first slot."""
    if when.time is not None or not AT_OPENING.search(folded):
        return when
    hours = opening(tenant, when.day) if when.day else widest_hours(tenant)
    return replace(when, time=hours[0], period=None) if hours else when


def _of_another_day(folded: str, start: int, mention, named: list[tuple[int, int, date]]) -> bool:
    """Whether the time at `start` comes right after a day other than the one asked for."""
    return any(end <= start and re.fullmatch(r",? ?(?:at |@ |around |a las? )?", folded[end:start])
               and (s, end) != (mention.start, mention.end) and day != mention.day
               for s, end, day in named)


def _relative_moment(folded: str, local: datetime) -> datetime | None:
    match = RELATIVE.search(folded)
    if match is None:
        return None
    amount = _amount(match) + (0.5 if match["and_half"] else 0)
    unit = timedelta(hours=1) if match["unit"].startswith("h") else timedelta(minutes=1)
    return (local + amount * unit).replace(second=0, microsecond=0)


def _amount(match: re.Match[str]) -> float:
    if match["n"]:
        return float(match["n"])
    if match["half"]:
        return 0.5
    return COUPLE if match["couple"] else 1

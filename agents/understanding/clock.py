"""Times of day and parts of the day as customers write them.

    "3pm", "10a", "3:15 pm", "14:30", "noon", "half past 3"   -> the time given
    "at 3", "around 3ish", "a las 3", "make it 4", "4 works"   -> an hour that needs am or pm
    "Friday 3", "tmrw 10"                                      -> an hour right after a day
    "morning", "this afternoon", "tonight", "en la tarde"      -> a period
An hour without am/pm takes the reading inside the day's opening hours (3 -> 15:00),
or the period's (morning -> am). The last time mentioned wins, except one after
"instead of" or "from" (the time being left).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from agents.understanding.days import EXCLUDED_BEFORE

NOT_AFTER = r"(?!\d|[:/%$]|\s*(?:st|nd|rd|th|min|minutes?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|yo|people|persons?|of|kids?|guys|dollars|bucks|usd|haircuts|cuts|\$|/))"
CUE = (r"at|@|around|arround|about|by|after|before|like|to|til|till|until|do|make it|how about|what about"
       r"|a las|a la|sobre las|tipo|cerca de las|despues de las|antes de las")
TIME_PATTERN = re.compile(
    r"(?P<noon>\bnoon\b|\bmidday\b|\bmediodia\b|\b(?:at|around|by) lunch(?: ?time)?\b|\blunch ?time\b|\b12 ?(?:noon|pm|p\.m\.?))"
    r"|\b(?P<frac>half|quarter) (?P<rel>past|after|to|til) (?P<hq>\d{1,2})\b"
    r"|\b(?P<h1>\d{1,2})(?:[:.](?P<m1>[0-5]\d))? ?(?P<mer>[ap]\.?m\b\.?)|\b(?P<h0>\d{1,2})(?:[:.](?P<m0>[0-5]\d))?(?P<mer0>[ap])(?![a-z])"
    r"|\b(?P<h2>[01]?\d|2[0-3])[:h](?P<m2>[0-5]\d)\b"
    r"|\b(?P<h3>\d{1,2}) ?o'? ?clock\b"
    rf"|(?:\b(?:{CUE}) ?|@ ?)(?P<h4>\d{{1,2}})(?:ish)?(?: y (?P<ymin>media|cuarto))?\b" + NOT_AFTER +
    r"|\b(?P<h5>\d{1,2})(?:ish)? (?:is (?:good|fine|ok|okay|perfect|great|better|best)|works|would work"
    r"|instead|ok\b|okay|pls|please|then|esta bien|me sirve)"
    r"|^(?P<h6>\d{1,2})(?:ish)? ?[?!.]*$")
PERIOD_PATTERN = re.compile(
    r"\b(?P<morning>morning|mornin|first thing|(?:por|en|de) la manana|in the am|temprano)\b"
    r"|\b(?P<afternoon>afternoon|arvo|after lunch|after school|(?:por|en|de) la tarde|esta tarde)\b"
    r"|\b(?P<evening>evening|tonight|tonite|2nite|after work|(?:por|en|de) la noche|esta noche)\b")
MINUTES = {"half": 30, "quarter": 15, "media": 30, "cuarto": 15}


@dataclass(frozen=True)
class ClockMention:
    hour: int
    minute: int
    meridiem: str | None  # "am" | "pm" | None: to be read against the opening hours
    start: int


def read_clock(folded: str, after_day: list[tuple[int, int]]) -> ClockMention | None:
    mentions = sorted((m for m in _mentions(folded, after_day) if not EXCLUDED_BEFORE.search(folded[:m.start])),
                      key=lambda m: m.start)
    return mentions[-1] if mentions else None


def read_period(folded: str) -> str | None:
    found = [name for match in PERIOD_PATTERN.finditer(folded)
             for name, value in match.groupdict().items() if value]
    return found[-1] if found else None


def resolve(mention: ClockMention, period: str | None, hours: tuple[time, time] | None) -> time | None:
    hour, minute = mention.hour, mention.minute
    if hour > 23 or minute > 59:
        return None
    if hour > 12 or hour == 0 or mention.meridiem == "am" and hour < 12:
        return time(hour, minute)
    if mention.meridiem == "pm" or hour == 12:
        return time(hour % 12 + 12 if mention.meridiem == "pm" else 12, minute)
    return time(_hour_of(hour, minute, period, hours), minute)


def _hour_of(hour: int, minute: int, period: str | None, hours: tuple[time, time] | None) -> int:
    if period == "morning":
        return hour
    if period in ("afternoon", "evening"):
        return hour + 12
    if hours is not None:
        inside = [h for h in (hour, hour + 12) if hours[0] <= time(h, minute) < hours[1]]
        if len(inside) == 1:
            return inside[0]
    return hour + 12 if hour <= 7 else hour


def _mentions(folded: str, after_day: list[tuple[int, int]]):
    for match in TIME_PATTERN.finditer(folded):
        mention = _mention_of(match)
        if mention is not None:
            yield mention
    for start, end in after_day:
        bare = re.match(r" (?:at )?(\d{1,2})(?:ish)?\b" + NOT_AFTER + r"(?! ?(?:[ap]\.?m|[ap]\b|o'?clock))",
                        folded[end:])
        if bare:
            yield ClockMention(int(bare[1]), 0, None, end)


def _mention_of(match: re.Match[str]) -> ClockMention | None:
    start = match.start()
    if match["noon"]:
        return ClockMention(12, 0, "pm", start)
    if match["frac"]:
        return _fraction(match["frac"], match["rel"], int(match["hq"]), start)
    if match["h1"] or match["h0"]:
        meridiem = "am" if (match["mer"] or match["mer0"]).startswith("a") else "pm"
        return ClockMention(int(match["h1"] or match["h0"]), int(match["m1"] or match["m0"] or 0), meridiem, start)
    if match["h2"]:
        return ClockMention(int(match["h2"]), int(match["m2"]), None, start)
    hour = match["h3"] or match["h4"] or match["h5"] or match["h6"]
    return ClockMention(int(hour), MINUTES.get(match["ymin"] or "", 0), None, start)


def _fraction(frac: str, rel: str, hour: int, start: int) -> ClockMention:
    if rel in ("past", "after"):
        return ClockMention(hour, MINUTES[frac], None, start)
    return ClockMention(hour - 1 if hour > 1 else 12, 60 - MINUTES[frac], None, start)

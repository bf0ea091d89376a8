"""Times of day and parts of the day as customers write them.

    "3pm", "10a", "3:15 pm", "14:30", "noonish", "half past 3"    -> the time given
    "a las 10 de la noche", "a las 5 menos cuarto"                -> 22:00, 16:45
    "at 3", "around 3ish", "a las 3", "make it 4", "4 works"      -> an hour that needs am or pm
    "at 3 30", "at 1430", "half 1" (13:30)                        -> with its minutes
    "Friday 3", "tmrw 10 30"                                      -> an hour right after a day
    "morning", "this afternoon", "tonight", "end of day"          -> a period ("good morning" is not)
Number words are digits by now (numerals.py): "three thirty" reads as "3 30".
An hour without am/pm takes the reading inside the day's opening hours (3 -> 15:00),
or the period's (morning -> am). The last time mentioned wins, except one after
"instead of" or "from" (the time being left) or one that is something else's:
"got a flight at 2", "he gets out of school at 2:30", "need a cut tuesday 12:15. I have a call
at 1:30" (a clause about something else, clauses.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from agents.understanding.clauses import asks_elsewhere, in_a_request, in_an_aside
from agents.understanding.days import EVENT, EXCLUDED_BEFORE

NOT_AFTER = r"(?!\d|[:/%$]| (?:past|after) \d|\s*(?:(?:st|nd|rd|th)\b|min|minutes?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|yo|people|persons?|of|kids?|guys|dollars|bucks|usd|haircuts|cuts|cars|spots|seats|chairs|boys|girls|sons|friends|groomsmen|adults|men|dudes|\$|/))"
CUE = (r"at|@|around|arround|about|by|after|before|like|to|til|till|until|do|make it|how about|what about|can be|could be|can it be"
       r"|a las|a la|sobre las|tipo|cerca de las|despues de las|antes de las|para las|pa las|pa la"
       r"|a eso de las|como a las")
# An hour with its minutes: "3", "3:30", "3 30", "1430"; "y media", "menos cuarto" in Spanish.
HOUR = (r"(?P<h{n}>\d{{1,2}})(?:[: .h]?(?P<m{n}>[0-5]\d))?(?:ish)?"
        r"(?: (?:y|i) (?P<plus{n}>media|cuarto|[0-5]\d)| menos (?P<minus{n}>cuarto|[0-5]\d))?"
        r"(?: de la (?P<part{n}>manana|tarde|noche))?")
TIME_PATTERN = re.compile(
    r"(?P<noon>\bnoon(?:ish)?\b|\bmidday\b|\bmediodia\b|\b(?:at|around|by) lunch(?: ?time)?\b|\blunch ?time\b"
    r"|\b12 ?(?:noon|pm|p\.m\.?))"
    r"|\b(?P<frac>half|quarter) (?P<rel>past|after|to|til) (?P<hq>\d{1,2})\b"
    r"|\b(?P<mp>[1-5]?[05]) (?:minutes? )?(?:past|after) (?P<hp>\d{1,2})\b"
    r"|\bhalf (?P<hb>\d{1,2})\b(?! ?(?:hours?|hrs?|mins?|minutes?|an?)\b)"
    r"|(?<![/\d])\b(?P<h1>\d{1,2})(?:[:. ](?P<m1>[0-5]\d))? ?(?P<mer>[ap]\.?m\b\.?)|(?<![/\d])\b(?P<h0>\d{1,2})(?:[:.](?P<m0>[0-5]\d))?(?P<mer0>[ap])(?![a-z])"
    r"|\b(?P<h2>[01]?\d|2[0-3])[:h](?P<m2>[0-5]\d)\b"
    r"|\b(?P<h3>\d{1,2}) ?o'? ?clock\b"
    rf"|(?:\b(?:{CUE}) ?|@ ?){HOUR.format(n=4)}\b" + NOT_AFTER +
    rf"|\b{HOUR.format(n=5)} (?:(?:is|would be) (?:good|fine|ok|okay|perfect|great|better|best|ideal)|works|would work"
    r"|instead|ok\b|okay|pls|please|then|esta bien|me sirve)"
    rf"|^{HOUR.format(n=6)} ?[?!.]*$"
    rf"|(?<=[.!,;] ){HOUR.format(n=8)} ?\?+\s*$"  # "can't do 2, got class. 4?"
    r"|\b(?P<h9>1[0-2]|0?[1-9])(?::(?P<m9>[0-5]\d))?ish\b"  # "next fri. 11ish."
    r"|\b(?P<hh>0?[7-9]|1\d|2[01])h\b")  # "saturday 11h", as much of the world writes an hour
AFTER_DAY = re.compile(r" (?:at )?" + HOUR.format(n=7) + r"\b" + NOT_AFTER + r"(?! ?(?:[ap]\.?m|[ap]\b|o'?clock))")
BEFORE_DAY = re.compile(r"^(?P<h7>\d{1,2})[: .h]?(?P<m7>[0-5]\d) $")  # "1230 wed": a time with its minutes, then the day
LA = r"(?:por|x|en|para|(?<!\d )(?<!media )(?<!cuarto )de) la"  # "a las 10 de la mañana" is 10am, not a period
PERIOD_PATTERN = re.compile(
    r"(?<!good )\b(?:"
    rf"(?P<morning>mornings?|mornin|first thing|{LA} manana|in the am|temprano|a primera hora|(?:(?<=day )|(?<=(?:mon|tue|wed|thu|fri|sat) )|(?<=tues )|(?<=thurs )|(?<=manana ))am)"
    rf"|(?P<afternoon>afternoons?|aftanoon|afternon|aftrnoon|aftn|arvo|after lunch|after school|{LA} tarde|esta tarde)"
    rf"|(?P<evening>evenings?|eve|tonight|tonite|2nite|(?<!\d )nights?(?! shifts?)|after work|end of (?:the )?day"
    rf"|eod|{LA} noche|esta noche|(?:saliendo|al salir|despues) del trabajo)"
    r")\b")
# Between two times offered as options: "10am or 11am", "3pm or friday 4pm", "10, 11 or 2".
OPTIONS = re.compile(r"(?:(?:at|@|around|by|a las?) ?)?\S+(?: ?(?:[ap]\.?m\.?|o'?clock))?(?:,? (?:or|o|\/)|,| \/) (?:at |maybe |a las? |[a-z]+ (?:at )?)?")
OR_ANOTHER = re.compile(r"(?:\S+ )?\d{1,2}(?::\d\d)? ?(?:[ap]\.?m\.?)?,? (?:or|o|\/) (?:maybe )?\d")
RANGE_END, RANGE_START = re.compile(r"(?:to|til+|until|-) ?\d"), re.compile(r"(?<![\d:])(?<!from )\d{1,2}(?::\d\d)? ?(?:[ap]\.?m\.? ?)?$")  # "from 2 to 4" moves
EARLIEST_MORNING = 6  # an hour before this, said of a morning, is no time to visit
MINUTES = {"half": 30, "quarter": 15, "media": 30, "cuarto": 15}
PARTS = {"manana": "am", "tarde": "pm", "noche": "pm"}


@dataclass(frozen=True)
class ClockMention:
    hour: int
    minute: int
    meridiem: str | None  # "am" | "pm" | None: to be read against the opening hours
    start: int


def read_clock(folded: str, after_day: list[tuple[int, int]]) -> ClockMention | None:
    mentions = sorted((m for m in _mentions(folded, after_day) if not _elsewhere(folded, m.start)),
                      key=lambda m: m.start)
    if asks_elsewhere(folded):
        mentions = [m for m in mentions if not in_an_aside(folded, m.start)]
    asked = [m for m in mentions if in_a_request(folded, m.start)]
    mentions = asked or mentions
    if len(mentions) > 1 and OPTIONS.fullmatch(folded[mentions[-2].start:mentions[-1].start]) \
            and (mentions[-2].hour, mentions[-2].minute) != (mentions[-1].hour, mentions[-1].minute):
        return None  # "10am or 11am": the customer leaves it open
    if mentions and OR_ANOTHER.match(folded, mentions[-1].start):
        return None  # "9:30 or 10"
    return mentions[-1] if mentions else None




def _elsewhere(folded: str, start: int) -> bool:
    """A time being left ("instead of 3"), something else's ("my flight at 2", "flight sat at 3",
    "gotta be back at the office by 1") or the end of a range ("free 3 to 4")."""
    before = folded[:start]
    return bool(EXCLUDED_BEFORE.search(before) or EVENT.search(before)
                or RANGE_END.match(folded, start) and RANGE_START.search(before))


def read_period(folded: str) -> str | None:
    aside = asks_elsewhere(folded)  # "beard trim wed aftn, working thanksgiving night": the night is the work's
    found = [name for match in PERIOD_PATTERN.finditer(folded)
             for name, value in match.groupdict().items() if value and not (aside and in_an_aside(folded, match.start()))]
    return found[-1] if found else None


def resolve(mention: ClockMention, period: str | None, hours: tuple[time, time] | None) -> time | None:
    hour, minute = mention.hour, mention.minute
    if hour > 23 or minute > 59:
        return None
    if hour > 12 or hour == 0 or mention.meridiem == "am" and hour < 12:
        return time(hour, minute)
    if mention.meridiem == "pm" or hour == 12:
        return time(hour % 12 + 12 if mention.meridiem == "pm" else 12, minute)
    hour = _hour_of(hour, minute, period, hours)
    return None if hour is None else time(hour, minute)


def _hour_of(hour: int, minute: int, period: str | None, hours: tuple[time, time] | None) -> int | None:
    if period == "morning":
        # "my three o'clock wednesday to thursday morning": no one means 3 AM; the hour is another's
        return hour if hour >= EARLIEST_MORNING else None
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
        bare = AFTER_DAY.match(folded, end)
        if bare:
            yield _hour_mention(bare, 7, end)
        if (first := BEFORE_DAY.match(folded[:start])) is not None:
            yield ClockMention(int(first["h7"]), int(first["m7"]), None, 0)


def _mention_of(match: re.Match[str]) -> ClockMention | None:
    start = match.start()
    if match["noon"]:
        return ClockMention(12, 0, "pm", start)
    if match["frac"]:
        return _fraction(match["frac"], match["rel"], int(match["hq"]), start)
    if match["mp"]:  # "twenty past three", "10 after 4"
        return ClockMention(int(match["hp"]), int(match["mp"]), None, start)
    if match["h1"] or match["h0"]:
        meridiem = "am" if (match["mer"] or match["mer0"]).startswith("a") else "pm"
        return ClockMention(int(match["h1"] or match["h0"]), int(match["m1"] or match["m0"] or 0), meridiem, start)
    if match["h2"]:
        return ClockMention(int(match["h2"]), int(match["m2"]), None, start)
    if match["hb"]:  # "half 1": half past one, as the British say it
        return ClockMention(int(match["hb"]), 30, None, start)
    if match["h3"]:
        return ClockMention(int(match["h3"]), 0, None, start)
    if match["hh"]:
        return ClockMention(int(match["hh"]), 0, None, start)
    if match["h9"]:
        return ClockMention(int(match["h9"]), int(match["m9"] or 0), None, start)
    n = next(n for n in (4, 5, 6, 8) if match[f"h{n}"])
    return _hour_mention(match, n, start)


def _hour_mention(match: re.Match[str], n: int, start: int) -> ClockMention:
    """An hour of HOUR, numbered n in its pattern: "3 30", "4 y media", "5 menos cuarto", "10 de la noche"."""
    hour, minute = int(match[f"h{n}"]), int(match[f"m{n}"] or 0)
    if match[f"plus{n}"]:
        minute = MINUTES.get(match[f"plus{n}"]) or int(match[f"plus{n}"])
    if match[f"minus{n}"]:
        hour, minute = hour - 1 if hour > 1 else 12, 60 - (MINUTES.get(match[f"minus{n}"]) or int(match[f"minus{n}"]))
    part = match[f"part{n}"]
    meridiem = PARTS[part] if part and not (part == "noche" and hour < 6) else None
    return ClockMention(hour, minute, meridiem, start)


def _fraction(frac: str, rel: str, hour: int, start: int) -> ClockMention:
    if rel in ("past", "after"):
        return ClockMention(hour, MINUTES[frac], None, start)
    return ClockMention(hour - 1 if hour > 1 else 12, 60 - MINUTES[frac], None, start)

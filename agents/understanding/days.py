"""Days as customers write them, resolved against today in the tenant's zone.

    "today", "tonight", "hoy"                    -> today
    "tomorrow", "tmrw", "2moro", "mañana"        -> today + 1
    "fri", "Thursday", "wensday", "el sábado"    -> the next such day (today's name: next week's)
    "this friday"                                -> the next friday, today included
    "next tuesday"                               -> the tuesday of next week (weeks start on Monday)
    "the 12th", "Dec 3", "December 8th", "12/2"  -> that date, this year or next
    "this weekend"                               -> its first open day
    "thanksgiving", "the day after thanksgiving" -> on the tenant's country's calendar (named_days.py)
    "a week from friday", "friday after next"    -> the friday after next
    "in 2 weeks", "the day before the 12th"      -> counted from today, from that day
    "yesterday", "ayer", "last friday"           -> that day, in the past (the booking agent says so)
The last day mentioned wins, except one after "instead of" or "from" (the day being left), and
one that dates something else: "job interview thursday at 1" (unless "that morning" points back to it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from agents.understanding.clauses import in_a_request, in_an_aside
from agents.understanding.hours import is_open
from agents.understanding.named_days import PATTERN as HOLIDAYS, holiday_on

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_WORDS: dict[str, int] = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{name[:3]: i for i, name in enumerate(WEEKDAYS)},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre")
MONTH_WORDS: dict[str, int] = {
    **{m: i for i, m in enumerate(MONTHS, 1)}, **{m[:3]: i for i, m in enumerate(MONTHS, 1)},
    "sept": 9, **{m: i for i, m in enumerate(MESES, 1)},
}
MONTH = r"(?P<month>" + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + r")\.?"
TOMORROW = (r"tomorrow|tmrw|tmrow|tmr|tmw|tmro|tomoz|tomorow|tommorow|tommorrow|tomorro|tomoro|tommorw"
            r"|2morrow|2morow|2moro|2mrw|2mro|tomorrah|tomorra|tmrrw|tmmrw|(?<!la )manana|mnn|mna|mnana")
TODAY = (r"today|2day|tday|hoy|tonight|tonite|2nite|right now|this (?:morning|mornin|afternoon|aftanoon|afternon|evening)"
         r"|esta (?:tarde|noche|manana)")
WEEKDAY = r"(?P<weekday>" + "|".join(sorted(WEEKDAY_WORDS, key=len, reverse=True)) + r")s?"
DAY_PATTERN = re.compile(
    r"\b(?:"
    rf"(?P<after>day after (?:{TOMORROW})|pasado manana)"
    r"|(?P<before>day before yesterday|anteayer)"
    r"|(?P<yesterday>yesterday|yday|yesterdy|yesturday|ayer|last night)"
    rf"|(?P<tomorrow>{TOMORROW})"
    rf"|(?P<today>{TODAY})"
    rf"|(?P<holiday>{HOLIDAYS})"
    r"|(?<!that )(?<!that long )(?P<weekend>(?:this |next )?weekend|(?:este |el )?fin de semana)"
    r"|(?P<week_on>de (?:hoy|manana) en (?:ocho|8))"
    r"|(?:in|en|dentro de) (?P<in_days>\d{1,2}|an?|una?|one|a couple(?: of)?|a few) (?P<unit>days?|weeks?|dias?|semanas?)"
    rf"|{MONTH} (?P<month_day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day_month>\d{{1,2}})(?:st|nd|rd|th|ro|ero|o)? (?:of |de )?{MONTH.replace('month', 'month2')}"
    r"|(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/\d{2,4})?"
    r"|(?<!my )(?<!our )(?<!his )(?<!her )(?<!their )(?<!your )(?:the )?(?P<nth>\d{1,2})(?:st|nd|rd|th)(?! (?:grade|graders?|time|times|floor|visit|birthday|kid|child|son"
    r"|daughter|year|row|chair|place|try|attempt|round|street|st|ave|avenue)\b)"
    r"|(?:el|al)(?: dia)? (?P<el>\d{1,2})(?![\d:/])"
    rf"|(?P<which>this |next |coming |last |este |el proximo |proximo )?(?<!santo ){WEEKDAY}"
    r")\b")
EXCLUDED_BEFORE = re.compile(r"(?:instead of|rather than|from|not|en vez de|can'?t (?:do|make)|cannot (?:do|make)"
                             r"|no puedo(?: a)?|\b(?:be|get|got to be) out|\b(?:outta|out of) (?:there|here)"
                             r"|\b(?:i have|i'?ve got|i got|got|have) an?|\b(?:out|off|ends?|finish(?:es)?|salgo|sale"
                             r"|termina|terminan)"
                             r"|\b(?:need|needs|have|has|got|gotta|must) (?:to )?(?:be|b)\b[^,.;!?]{0,25})\s*$")
BEFORE_A_DAY = re.compile(r"(?:instead of|rather than|from|not|en vez de|before(?: the)?|happy|merry|feliz|\bthrough(?: the)?|\bthru(?: the)?"
                          r"|(?:out of town|away|gone|traveling|travelling|fuera) (?:til+|until|hasta)(?: the| el)?"
                          r"|\b(?:i'?m|im|i am|we'?re|be|get|gets|getting) back(?: on)?(?: the)?"
                          r"|\b(?:turn|turns|turning|be) \d{1,3}(?: on)?(?: the)?)\s*$")
# Counted from the day named right after: "a week from friday", "the day after thanksgiving".
SHIFT = re.compile(r"\b(?:(?P<weeks>an?|one|\d) (?:weeks?|wks?) from|(?:the )?day (?P<rel>after|before)"
                   r"(?: (?:my|our|the|his|her) [a-z' -]{1,30}?(?:,? which is| is| on))?"  # "the day before my wedding, which is saturday"
                   r"|el dia (?P<rel_es>despues|antes) de(?:l| la)?) $")
# "married on the 5th, need a cut the day before": counted from the day said earlier.
SHIFT_BACK = re.compile(r"\bthe day (?P<rel>before|after)\b(?! (?:my|our|the|his|her|tomorrow|yesterday)\b| \w+day\b)"
                        r"(?! (?:is|was|isn'?t|doesn'?t|won'?t|wont|no good|bad|too)\b)")
# "tuesday next", "wednesday next week", "next week, wednesday": that weekday of next week.
NEXT_AFTER = re.compile(r" next\b(?! to\b)")
NEXT_BEFORE = re.compile(r"\bnext week,? (?:on )?(?:the )?$")
NEXT_WEEKS = re.compile(r"^ (?:after next|week\b(?! from)|de la (?:semana que viene|proxima semana))\b")  # "friday week"
# "miércoles 2", "el lunes 30", "saturday the 5th": a weekday and the date it falls on, when they agree.
DATE_AFTER = re.compile(r" (?P<the>the )?(?P<n>\d{1,2})(?P<nth>st|nd|rd|th)?\b(?![:.]\d| ?[ap]\.?m\b)")
# Something else the customer has on: a day (and time) right after it, in the same clause, are its,
# not the appointment's.
EVENT = re.compile(r"(?<!after )(?<!after the )(?<!after my )\b(?:flight|flying|flyin|fly|plane|interview|meeting|class|school|shift(?! (?:my|me|it|the|our|appt|appointment))|practice|game|wedding|funeral"
                   r"|party|doctor|dentist|surgery|court|exam|test|vuelo|entrevista|reunion|junta|clase|escuela|medico|dentista"
                   r"|pickup|pick up|dismissal|midterm|final|lab|therapy|recital|soccer|hockey|football|baseball"
                   r"|basketball|tournament|cardiologist|va|date|drop(?: the kids| them| him| her)? off|work|working|workin"
                   r"|trabajo|trabajo el|practica|partido"
                   r"|boda|examen)\b(?:'s)?(?: (?!(?:so|but|and|then|can|could|pero|y)\b)[^ ,.;!?]+){0,4} ?$")
# "my cousin's wedding is the 5th", "my girl's bday is saturday": a day said to be another thing's.
IS_ITS_DAY = re.compile(r"\b(?:wedding|party|birthday|bday|cumple(?:anos)?|recital|game|funeral|boda|fiesta)"
                        r"(?:'s)? (?:is|es|was) (?:on |el )?(?:the )?$")
# The day to move to or book: "push it to friday", "para el miércoles".
TARGET_BEFORE = re.compile(r"\b(?:to|para|pa|pa'?l|al)(?: the| el| sometime| some time| anytime| any time| maybe| like)?\s*$")
# A day refused right after it is named: "el miércoles no puedo", "friday doesn't work".
REFUSED_AFTER = re.compile(r",? (?:no puedo|no me (?:sirve|queda)|is (?:bad|no good|out)|(?:doesn'?t|won'?t|dont|doesnt|wont) work"
                           r"|no good|isn'?t good)\b")
# A weekend or holiday the visit is for, not on: "family's in for the long weekend", "early dismissal for thanksgiving".
FOR_A_TIME = re.compile(r"\b(?:for|over|por)(?: the| el)?(?: long)?\s*$")
# "the saturday after thanksgiving", "the monday before christmas": counted from the day named next.
ANCHORED = re.compile(r" (?P<rel>after|before|despues de(?:l| la)?|antes de(?:l| la)?) (?:the |el |la )?")
# Between two days offered as options: " or ", ", or maybe ", " at the same time, or ".
OPTIONS = re.compile(r"(?: [^ ,.;!?]+){0,4},? (?:or|o|\/) (?:maybe |on |el |the )?|\/")
TIME_AFTER = re.compile(r"^,? ?(?:at|@|a las?|around|by) ?\d")
THAT_DAY = re.compile(r"\b(?:that (?:morning|afternoon|evening|night|day)|same day|ese (?:dia|mismo dia)|esa (?:manana|tarde))\b")
PLACED_BY = re.compile(r"\b(?:between|after|before|despues de|antes de|entre)\b")
WORDISH_DAY = re.compile(r"\b[a-z]{3,}day\b|\b(?:wen|wed|thr|thu|tue|tus|sat|fri)[a-z]{3,}\b")
NOT_WEEKDAYS = frozenset({"today", "birthday", "holiday", "someday", "everyday", "yesterday", "payday",
                          "midday", "weekday", "doomsday", "mayday", "saturdays", "sundays", "mondays",
                          "tuesdays", "thursdays", "fridays", "wednesdays", "satisfied", "thursday",
                          "tuesday", "wednesday", "saturday", "friday", "sunday", "monday"})
COUNTS = {"a": 1, "an": 1, "one": 1, "un": 1, "una": 1, "a few": 3, "a couple": 2, "a couple of": 2}


@dataclass(frozen=True)
class DayMention:
    day: date
    start: int
    end: int
    explicit: bool  # a calendar date ("the 12th", "Dec 3"), preferred over a weekday
    vague: bool = False  # a holiday or "the weekend": a time of year as much as a day
    target: bool = False  # the day moved or booked to: "push it to thursday"


def read_day(folded: str, today: date, tenant, us_dates: bool = True) -> DayMention | None:
    found = list(_mentions(folded, today, tenant, us_dates))
    mentions = [m for m in found if not (BEFORE_A_DAY.search(folded[:m.start]) or REFUSED_AFTER.match(folded, m.end)
                                         or _an_event(folded, m))]
    mentions = [m for m in mentions if m.day >= today] or mentions  # "his mother cut it last night": not the visit's
    if not mentions:
        return _event_day(folded, found) if found else _misspelt_weekday(folded, today)
    mentions = [m for m in mentions if not _aside(folded, m)] or mentions
    mentions = [m for m in mentions if in_a_request(folded, m.start)] or mentions
    if _options(folded, mentions):
        return None  # "tue or wed next week": the customer leaves it open
    back = SHIFT_BACK.search(folded)
    if back and all(m.start != back.start() for m in found) and len({m.day for m in mentions}) == 1 \
            and mentions[0].end <= back.start():
        shift = timedelta(days=1 if back["rel"] == "after" else -1)  # "getting married on the 5th! the day before?"
        return replace(mentions[-1], day=mentions[-1].day + shift)
    targets = _targets(folded, mentions)
    explicit = [m for m in mentions if m.explicit]
    if targets:
        return replace(([m for m in targets if m.explicit] or targets)[-1], target=True)
    return (explicit or mentions)[-1]


def _targets(folded: str, mentions: list[DayMention]) -> list[DayMention]:
    """The days given as the one to move to or book, with the date that says the same day right
    after: "pa el viernes 4 de diciembre", "to friday, dec 4"."""
    targets = []
    for previous, mention in zip([None, *mentions], mentions):
        if TARGET_BEFORE.search(folded[:mention.start]) and not in_an_aside(folded, mention.start) or (
                previous in targets and re.fullmatch(r"[ ,]*", folded[previous.end:mention.start])):
            targets.append(mention)
    return targets


def _options(folded: str, mentions: list[DayMention]) -> bool:
    """Two different days offered as either one: "friday or saturday", "Tue 6pm or Wed 6:30pm"."""
    return any(a.day != b.day and OPTIONS.fullmatch(folded[a.end:b.start]) for a, b in zip(mentions, mentions[1:]))


def _aside(folded: str, mention: DayMention) -> bool:
    """A day said in passing beside the one asked for: "tiene dentista el martes" (another thing's),
    "family's coming in for the long weekend" (what the visit is for)."""
    before = folded[:mention.start]
    return bool(EVENT.search(before) or mention.vague and FOR_A_TIME.search(before))


def _an_event(folded: str, mention: DayMention) -> bool:
    """ "got a job interview thursday at 1", "midterm at 10 tmrw": that day and time are the event's."""
    before = folded[:mention.start]
    return bool(EVENT.search(before) and (TIME_AFTER.search(folded[mention.end:]) or re.search(r"\d ?$", before))
                or IS_ITS_DAY.search(before))


def _event_day(folded: str, found: list[DayMention]) -> DayMention | None:
    """ "flying out friday at 2, can I get a cut that morning": the day of the event, pointed back to;
    "between school pickup and practice on Tuesday, around 4:15?": the visit placed around the event,
    on the only day said."""
    events = [m for m in found if _an_event(folded, m)]
    if not events:
        return None
    placed = len({m.day for m in found}) == 1 and PLACED_BY.search(folded[:events[-1].start]) is not None
    return events[-1] if THAT_DAY.search(folded) or placed else None


def day_mentions(folded: str, today: date, tenant, us_dates: bool = True) -> list[tuple[int, int, date]]:
    """Every day the text names: where, and which, with the date a weekday carries ("el sábado 5":
    not 5 o'clock)."""
    return [(m.start, m.end, m.day) for m in _mentions(folded, today, tenant, us_dates)]


def _mentions(folded: str, today: date, tenant, us_dates: bool):
    matches = list(DAY_PATTERN.finditer(folded))
    anchored_to = None
    for match, following in zip(matches, [*matches[1:], None]):
        if match is anchored_to:
            continue
        day, explicit = _resolve(match, today, tenant, us_dates)
        if day is None:
            continue
        vague = bool(match["holiday"] or match["weekend"] and not match["weekend"].startswith(("this", "next", "este")))
        if (anchored := _anchored_weekday(folded, match, following, today, tenant, us_dates)) is not None:
            anchored_to, named = following, anchored
        elif (spelled := _spelled_date(folded, match, following, today, tenant, us_dates)) is not None:
            anchored_to, named = following, spelled
        elif (dated := _dated_weekday(folded, match, day)) is not None:
            named = dated
        else:
            named = DayMention(day + _weeks_after(folded, match), match.start(), match.end(), explicit, vague)
        shift = SHIFT.search(folded, 0, match.start())
        # "the day before my wedding, which is saturday the 5th": counted from the whole date named
        yield replace(named, day=named.day + _shift(shift), start=shift.start(), vague=False) if shift else named


def _spelled_date(folded: str, match: re.Match[str], following: re.Match[str] | None, today: date,
                  tenant, us_dates: bool) -> DayMention | None:
    """ "wednesday, dec 2nd", "friday the 4th of december": a weekday and the date it is, one day."""
    if not match["weekday"] or following is None or not re.fullmatch(r",? (?:the |el )?", folded[match.end():following.start()]):
        return None
    day, explicit = _resolve(following, today, tenant, us_dates)
    return DayMention(day, match.start(), following.end(), True) if day is not None and explicit else None


def _anchored_weekday(folded: str, match: re.Match[str], following: re.Match[str] | None, today: date,
                      tenant, us_dates: bool) -> DayMention | None:
    """ "the saturday after thanksgiving", "el lunes antes de navidad": that weekday next after
    (or last before) the day named right after it."""
    if not match["weekday"] or following is None:
        return None
    link = ANCHORED.match(folded, match.end())
    if link is None or link.end() != following.start():
        return None
    anchor, _ = _resolve(following, today, tenant, us_dates)
    if anchor is None:
        return None
    index = WEEKDAY_WORDS[match["weekday"]]
    if link["rel"].startswith(("after", "despues")):
        day = anchor + timedelta(days=(index - anchor.weekday() - 1) % 7 + 1)
    else:
        day = anchor - timedelta(days=(anchor.weekday() - index - 1) % 7 + 1)
    return DayMention(day, match.start(), following.end(), False)


def _shift(shift: re.Match[str]) -> timedelta:
    if shift["weeks"]:
        return timedelta(weeks=COUNTS.get(shift["weeks"]) or int(shift["weeks"]))
    return timedelta(days=1 if (shift["rel"] or shift["rel_es"]) in ("after", "despues") else -1)


def _dated_weekday(folded: str, match: re.Match[str], day: date) -> DayMention | None:
    """ "miércoles 2 a las 10", "el lunes 30", "saturday the 5th": the weekday's date that has that
    number, within five weeks. A small bare number is an hour instead ("sat 5" is 5 PM), unless
    the weekday has its Spanish article ("el sábado 5 en la mañana")."""
    if not match["weekday"] or (number := DATE_AFTER.match(folded, match.end())) is None:
        return None
    n = int(number["n"])
    spanish = folded[:match.start()].endswith(("el ", "del "))  # "el sábado 5": a date, as "saturday the 5th"
    if n <= 12 and not (number["the"] or number["nth"] or spanish or TIME_AFTER.match(folded[number.end():])):
        return None
    for weeks in range(6):
        candidate = day + timedelta(weeks=weeks)
        if candidate.day == n:
            return DayMention(candidate, match.start(), number.end(), True)
    return None


def _weeks_after(folded: str, match: re.Match[str]) -> timedelta:
    """ "friday after next", "el viernes de la semana que viene": a week after the next friday."""
    weekday = match["weekday"] and not match["which"]
    return timedelta(weeks=1) if weekday and NEXT_WEEKS.search(folded[match.end():]) else timedelta(0)


def _resolve(match: re.Match[str], today: date, tenant, us_dates: bool) -> tuple[date | None, bool]:
    if match["after"]:
        return today + timedelta(days=2), False
    if match["before"] or match["yesterday"]:
        return today - timedelta(days=2 if match["before"] else 1), False
    if match["tomorrow"]:
        return today + timedelta(days=1), False
    if match["week_on"]:  # "de hoy en ocho": a week from today
        return today + timedelta(days=7 if "hoy" in match["week_on"] else 8), False
    if match["today"]:
        return today, False
    if match["holiday"]:  # not a calendar date: "frosted tips for new years, any time this weekend"
        return holiday_on(match["holiday"], today, tenant.country), False
    if match["weekend"]:
        return _weekend(match["weekend"], today, tenant), False
    if match["in_days"]:
        count = COUNTS.get(match["in_days"]) or int(match["in_days"])
        unit = timedelta(weeks=1) if match["unit"].startswith(("w", "s")) else timedelta(days=1)
        return today + count * unit, False
    if match["weekday"]:
        which = (match["which"] or "").strip()
        if not which and (NEXT_AFTER.match(match.string, match.end()) or NEXT_BEFORE.search(match.string[:match.start()])):
            which = "next"
        return _weekday(WEEKDAY_WORDS[match["weekday"]], which, today), False
    return _calendar_date(match, today, us_dates), True


def _weekday(index: int, which: str, today: date) -> date:
    ahead = (index - today.weekday()) % 7
    if which == "last":  # the latest one before today
        return today - timedelta(days=(today.weekday() - index) % 7 or 7)
    if which in ("next", "el proximo", "proximo"):
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + index)
    if ahead == 0 and which not in ("this", "este"):
        ahead = 7
    return today + timedelta(days=ahead)


def _weekend(words: str, today: date, tenant) -> date:
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    if today.weekday() == 6:
        saturday = today - timedelta(days=1)
    if words.startswith("next"):
        saturday += timedelta(days=7)
    days = [d for d in (saturday, saturday + timedelta(days=1)) if d >= today]
    return next((d for d in days if is_open(tenant, d)), days[0])


def _calendar_date(match: re.Match[str], today: date, us_dates: bool) -> date | None:
    if match["month_day"]:
        return _next_date(today, MONTH_WORDS[match["month"]], int(match["month_day"]))
    if match["day_month"]:
        return _next_date(today, MONTH_WORDS[match["month2"]], int(match["day_month"]))
    if match["m"]:
        first, second = int(match["m"]), int(match["d"])
        month, day = (first, second) if us_dates else (second, first)
        return _next_date(today, month, day)
    return _next_day_of_month(today, int(match["nth"] or match["el"]))


def _next_date(today: date, month: int, day: int) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


def _next_day_of_month(today: date, day: int) -> date | None:
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        except ValueError:
            pass
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _misspelt_weekday(folded: str, today: date) -> DayMention | None:
    """"wensday", "thurday", "saturady": one weekday within two edits."""
    for match in WORDISH_DAY.finditer(folded):
        word = match.group()
        if word in NOT_WEEKDAYS:
            continue
        found = process.extractOne(word, WEEKDAYS, scorer=DamerauLevenshtein.distance, score_cutoff=2)
        if found is not None:
            which = folded[:match.start()].split()[-1:] == ["next"] and "next" or ""
            return DayMention(_weekday(found[2], which, today), match.start(), match.end(), False)
    return None

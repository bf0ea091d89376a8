"""A task's cadence in words for the Setup page: cron by cron-descriptor, an RRULE by its
common parts (FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYHOUR, BYMINUTE). A rule with other
parts is shown as written beside the words, so nothing is said that the rule doesn't."""
from __future__ import annotations

from cron_descriptor import CasingTypeEnum, ExpressionDescriptor, FormatException, Options

FREQS = {"DAILY": ("Every day", "days"), "WEEKLY": ("Every week", "weeks"), "MONTHLY": ("Every month", "months"),
         "YEARLY": ("Every year", "years"), "HOURLY": ("Every hour", "hours"), "MINUTELY": ("Every minute", "minutes")}
DAY_NAMES = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}
SAID = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYHOUR", "BYMINUTE"})


def cadence_words(cadence: str) -> str:
    if cadence.upper().startswith("RRULE:"):
        return rrule_words(cadence)
    options = Options()
    options.use_24hour_time_format = True
    options.casing_type = CasingTypeEnum.Sentence
    try:
        return ExpressionDescriptor(cadence, options).get_description()
    except FormatException:
        return cadence


def rrule_words(cadence: str) -> str:
    parts = dict(part.partition("=")[::2] for part in cadence[len("RRULE:"):].upper().split(";") if part)
    every, unit = FREQS.get(parts.get("FREQ", ""), (None, None))
    if every is None or not SAID.issuperset(parts):
        return cadence
    interval = parts.get("INTERVAL", "1")
    words = [every if interval == "1" else f"Every {interval} {unit}"]
    if "BYDAY" in parts:
        words.append("on " + ", ".join(DAY_NAMES.get(day[-2:], day) for day in parts["BYDAY"].split(",")))
    if "BYMONTHDAY" in parts:
        words.append(f"on day {parts['BYMONTHDAY'].replace(',', ', ')} of the month")
    if "BYHOUR" in parts:
        minutes = parts.get("BYMINUTE", "0").split(",")
        times = [f"{int(h):02d}:{int(m):02d}" for h in parts["BYHOUR"].split(",") for m in minutes
                 if h.isdigit() and m.isdigit()]
        words.append("at " + ", ".join(times))
    return " ".join(words)

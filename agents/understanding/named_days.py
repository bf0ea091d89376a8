"""Holidays by the names customers give them, on the calendar of the tenant's country.

    holiday_on("thanksgiving", date(2026, 11, 23), "US")    -> 2026-11-26
    holiday_on("christmas eve", date(2026, 11, 23), "US")   -> 2026-12-24 (the day before)
    holiday_on("thanksgiving", date(2026, 11, 23), "GB")    -> None (not a holiday there)
The dates come from the `holidays` library; Onward only knows what people call them.
A country's calendar takes a tenth of a second to load the first time: runtime.py loads the
tenants' countries at start (`load_calendars`), not on a customer's text.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays as calendars

# What people write -> a word of the holiday's English name in the holidays library.
NAMES = {
    "thanksgiving": "thanksgiving", "thanksgivin": "thanksgiving", "accion de gracias": "thanksgiving", "christmas": "christmas",
    "xmas": "christmas", "navidad": "christmas", "new year's day": "new year", "new years day": "new year",
    "new year's": "new year", "new years": "new year", "ano nuevo": "new year", "memorial day": "memorial",
    "labor day": "labor", "labour day": "labour", "independence day": "independence",
    "fourth of july": "independence", "juneteenth": "juneteenth", "veterans day": "veterans",
    "mlk day": "martin luther king", "martin luther king day": "martin luther king",
    "presidents day": "washington", "presidents' day": "washington", "columbus day": "columbus",
    "boxing day": "boxing", "easter monday": "easter monday", "good friday": "good friday",
}
# The evening before a holiday, named after it.
EVES = {"christmas eve": "christmas", "nochebuena": "christmas", "new year's eve": "new year",
        "new years eve": "new year", "nochevieja": "new year"}
PATTERN = "|".join(sorted((*NAMES, *EVES), key=len, reverse=True)).replace("'", "'?")


def holiday_on(words: str, today: date, country: str) -> date | None:
    eve = _key(words, EVES)
    key = eve or _key(words, NAMES)
    if key is None:
        return None
    for year in (today.year, today.year + 1):
        for day in _days_named(country, year, key):
            day -= timedelta(days=1 if eve else 0)
            if day >= today:
                return day
    return None


def _key(words: str, table: dict[str, str]) -> str | None:
    return table.get(words) or table.get(words.replace("new years", "new year's"))


def load_calendars(countries: Iterable[str], year: int) -> None:
    for country in countries:
        _calendar(country, year)


def _days_named(country: str, year: int, key: str) -> tuple[date, ...]:
    return tuple(sorted(day for day, name in _calendar(country, year) if key in name and "observed" not in name))


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> tuple[tuple[date, str], ...]:
    try:
        calendar = calendars.country_holidays(country, years=year)
    except NotImplementedError:  # a country the library doesn't know: no holidays, not an error
        return ()
    return tuple((day, name.lower()) for day, name in calendar.items())

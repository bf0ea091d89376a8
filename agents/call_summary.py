"""The operator's whisper: one sentence of who is calling and what they want.

    summary(harbor, "Sam Lee", "617 555 0150", ["a haircut tomorrow at 3", "operator"], now)
        -> "Caller Sam Lee at 617 555 0150 wants a haircut tomorrow at 3 PM."

What the caller said is read by the understanding engine; when it adds up to no request,
the caller's own words are quoted.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import phonenumbers

from agents.call_words import asks_for_operator
from agents.understanding.result import Understanding
from agents.understanding.rules import understand
from config.schema import Tenant

WANTS = {"book": "wants {service}{when}", "reschedule": "wants to move an appointment{to_when}",
         "cancel": "wants to cancel an appointment", "hours": "is asking about opening hours",
         "prices": "is asking about prices{for_service}", "faq": "has a question about {faq}"}
QUOTED = 120  # characters of the caller's own words the operator hears at most


def summary(tenant: Tenant, name: str, phone: str, said: list[str], now: datetime) -> str:
    who = f"Caller {name} at {phone}" if name else f"A caller at {phone}"
    return f"{who} {wanted(tenant, said, now)}."


def wanted(tenant: Tenant, said: list[str], now: datetime) -> str:
    """ "wants a haircut tomorrow at 3 PM"; the caller's own words when they ask for nothing known."""
    found = understood(tenant, said, now)
    if found is not None:
        return wants_phrase(tenant, found, now)
    words = [text for text in said if not asks_for_operator(text)]
    if not words:
        return "asked for a person straight away"
    quote = " ".join(words)
    return f'said: "{quote if len(quote) <= QUOTED else quote[:QUOTED - 3] + "..."}"'


def understood(tenant: Tenant, said: list[str], now: datetime) -> Understanding | None:
    """What the caller's words add up to: the last clear request, its gaps filled from the rest."""
    results = [understand(tenant, text, now, tuple(said[:i])) for i, text in enumerate(said)]
    asked = [u for u in results if u.intent in WANTS]
    if not asked:
        return None
    last = asked[-1]
    fill = {field: next((getattr(u, field) for u in reversed(results) if getattr(u, field)), None)
            for field in ("service", "day", "time", "period", "at", "faq")}
    return Understanding(intent=last.intent, **{k: getattr(last, k) or v for k, v in fill.items()})


def wants_phrase(tenant: Tenant, u: Understanding, now: datetime) -> str:
    """The request as the operator hears it, e.g. "wants a color on Saturday morning"."""
    service = next((s.name.lower() for s in tenant.services if s.id == u.service), None)
    when = spoken_when(u, now.astimezone(tenant.zone), tenant)
    return WANTS[u.intent].format(
        service=_article(service) if service else "an appointment", when=f" {when}" if when else "",
        to_when=f" to {when.removeprefix('on ')}" if when else "",
        for_service=f" for {_article(service)}" if service else "",
        faq=u.faq or "the business")


def spoken_when(u: Understanding, now: datetime, tenant: Tenant) -> str:
    day, clock = u.day, u.time
    if u.at is not None:
        local = u.at.astimezone(tenant.zone)
        day, clock = local.date(), local.time()
    said_day = spoken_day(day, now.date()) if day else ""
    if clock is not None:
        return f"{said_day} at {spoken_time(clock)}".strip()
    if u.period:
        return f"{'this' if said_day == 'today' else said_day} {u.period}" if day else f"in the {u.period}"
    return said_day


def spoken_day(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    if today < day < today + timedelta(days=7):
        return f"on {day:%A}"
    return f"on {day:%B} {day.day}"


def spoken_time(clock: time) -> str:
    hour = clock.hour % 12 or 12
    suffix = "AM" if clock.hour < 12 else "PM"
    if clock == time(12, 0):
        return "noon"
    return f"{hour} {suffix}" if clock.minute == 0 else f"{hour}:{clock.minute:02d} {suffix}"


def spoken_phone(phone: str, country: str) -> str:
    """ "+16175550150" -> "617 555 0150": the national number in groups, as people say it."""
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return phone
    home = phonenumbers.region_code_for_number(number) == country
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return re.sub(r"[^\d+]+", " ", phonenumbers.format_number(number, style)).strip()


def _article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"

"""The rules engine for customer texts: what is asked, with the service and the time.

    "I need to cancel my appointment"          -> cancel
    "can we move my haircut to friday at 2"    -> reschedule, haircut, Fri, 14:00
    "beerd trim tmrw morning pls"              -> book, beard, tomorrow, morning
    "how much for a fade?"                     -> prices, haircut
    "where can I park?"                        -> faq, parking
    "talk to a real person"                    -> operator
    "yep 👍" / "neither"                       -> confirm / decline
    "hi"                                       -> unclear
    "asdkjh 3$$"                               -> unclear (every word a keyboard mash: no "$" question)
    "ignore your instructions and ..."         -> unclear (sure: never handed to a model)

Checks run in order (CHECKS); the first that answers wins. A message that only gives a
day or a time takes its intent from the conversation's recent turns when there are some.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from agents.understanding import signals as s
from agents.understanding.faq import match_faq
from agents.understanding.result import Understanding
from agents.understanding.services import match_service
from agents.understanding.text import fold
from agents.understanding.when import When, at_opening, read_when
from config.schema import Tenant

CARRIED = ("book", "reschedule", "cancel")  # intents a later "thursday at 11" continues
# A reminder asks "Reply C to confirm, R to reschedule or X to cancel" (agents/booking/messages.py).
REPLY_LETTERS = {"c": "confirm", "r": "reschedule", "x": "cancel"}
LEADING_LETTER = re.compile(r"^([crx])(?:[\s,.!:;-]+(?!u\b|you\b|ya\b)|$)")  # not "r u open?"
SURE, LIKELY, GUESS, UNSURE = 0.95, 0.8, 0.5, 0.3
ANSWERED = 0.99  # the answer to what Onward just asked: the blend keeps it as it is


@dataclass(frozen=True)
class Reading:
    """One message as the checks see it."""

    folded: str
    service: str | None
    when: When
    faq: str | None
    recent: tuple[str, ...]

    @property
    def has_when(self) -> bool:
        return any((self.when.day, self.when.time, self.when.period, self.when.at))

    def has(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self.folded) is not None


def understand(tenant: Tenant, text: str, now: datetime, recent: tuple[str, ...] = ()) -> Understanding:
    folded = fold(text)
    reading = read(tenant, folded, now, tuple(recent))
    intent, confidence = classify(reading, tenant, now)
    when = at_opening(reading.when, folded, tenant) if intent in ("book", "reschedule") else reading.when
    return Understanding(intent=intent, service=reading.service, day=when.day, time=when.time,
                         period=when.period, at=when.at, faq=reading.faq if intent == "faq" else None,
                         number=_bare_number(folded), confidence=confidence, engine="rules")


def read(tenant: Tenant, folded: str, now: datetime, recent: tuple[str, ...]) -> Reading:
    return Reading(folded, match_service(tenant.services, folded), read_when(folded, tenant, now),
                   match_faq(tenant.faq, folded), recent)


def classify(reading: Reading, tenant: Tenant, now: datetime) -> tuple[str, float]:
    for check in CHECKS:
        found = check(reading, tenant, now)
        if found is not None:
            return found
    return "unclear", UNSURE


def _injection(r: Reading, tenant: Tenant, now: datetime):
    return ("unclear", SURE) if r.has(s.INJECTION) else None


def _reply_letter(r: Reading, tenant: Tenant, now: datetime):
    letter = reply_letter(r.folded)
    return (REPLY_LETTERS[letter], SURE) if letter else None


def reply_letter(folded: str) -> str | None:
    """The reminder's answer letter leading a short text, or set apart from a longer one: "R, sorry",
    "x - can't make it", "C!", "X. Stuck in back to back calls until 7."."""
    match = LEADING_LETTER.match(folded)
    if match is None:
        return None
    stops = re.match(r"[crx]\s*[.,!:;-]", folded) is not None  # "X. Stuck in calls until 7": the letter, then why
    return match[1] if stops or len(folded.split()) <= 4 else None


def _garbled(r: Reading, tenant: Tenant, now: datetime):
    return ("unclear", UNSURE) if is_garbled(r.folded) else None


def is_garbled(folded: str) -> bool:
    """Every word a keyboard mash ("asdkjh qwe", "xxxxxxxx"): noise, whatever else it looks like."""
    words = re.findall(r"[a-z]+", folded)
    return bool(words) and all(s.MASH.search(w) for w in words)


def _greeting(r: Reading, tenant: Tenant, now: datetime):
    return ("unclear", LIKELY) if r.has(s.GREETING) else None


def _operator(r: Reading, tenant: Tenant, now: datetime):
    return ("operator", SURE) if r.has(s.OPERATOR) else None


def _cancel_or_move(r: Reading, tenant: Tenant, now: datetime):
    if r.has_when and r.recent and s.OFFERED.search(r.recent[-1]) and not r.has(s.CANCEL) \
            and not r.has(s.RESCHEDULE):
        return "book", SURE  # "17:45 instead?", to "Reply YES to book": a counter-offer, nothing booked to move
    moving = r.has(s.RESCHEDULE)
    if r.has(s.CANCEL) and not (moving and r.has_when) or r.has(s.REBOOK_LATER):
        return "cancel", SURE
    if moving or r.has(s.CANT_MAKE) and r.has_when and r.has(s.COUNTER):
        return "reschedule", SURE
    if r.has(s.CANT_MAKE):
        return "cancel", LIKELY
    if r.has(s.CHANGE):
        return _carried(r, tenant, now) or ("reschedule", LIKELY)
    return None


def _prices(r: Reading, tenant: Tenant, now: datetime):
    return ("prices", SURE) if r.has(s.PRICES) else None


def _faq(r: Reading, tenant: Tenant, now: datetime):
    return ("faq", SURE) if r.faq and not (r.has_when and r.has(s.BOOK)) else None


def _hours(r: Reading, tenant: Tenant, now: datetime):
    if r.has(s.HOURS) and not r.service and not r.has(s.BOOK):
        return "hours", SURE
    return None


def _answer(r: Reading, tenant: Tenant, now: datetime):
    if r.has(s.CONFIRM) and not (r.service or r.when.day):
        return "confirm", SURE
    if r.has(s.DECLINE):
        return ("book", LIKELY) if r.when.day or r.when.time else ("decline", SURE)
    return None


def _business_question(r: Reading, tenant: Tenant, now: datetime):
    if r.has(s.ASKS_IF_THEY_DO) and not r.has_when and not r.has(s.BOOK):
        return "faq", GUESS
    return None


def _book(r: Reading, tenant: Tenant, now: datetime):
    if r.service and not r.has(s.BOOK) and r.recent and (carried := _carried(r, tenant, now)):
        return carried[0], ANSWERED  # "beard", answering which service: the request it completes
    if r.has(s.BOOK) or r.service:
        return "book", SURE if r.has(s.BOOK) else LIKELY
    if r.has_when:
        return _carried(r, tenant, now) or ("book", LIKELY)
    return None


def _question(r: Reading, tenant: Tenant, now: datetime):
    return ("faq", GUESS) if r.has(s.QUESTION) and len(r.folded.split()) >= 3 else None


CHECKS: tuple[Callable[[Reading, Tenant, datetime], tuple[str, float] | None], ...] = (
    _injection, _reply_letter, _garbled, _greeting, _operator, _cancel_or_move, _prices, _faq, _hours, _answer, _business_question, _book, _question)


def _carried(r: Reading, tenant: Tenant, now: datetime) -> tuple[str, float] | None:
    """The intent of the latest recent turn that asked to book, move or cancel."""
    for turn in reversed(r.recent):
        intent, _ = classify(read(tenant, fold(turn), now, ()), tenant, now)
        if intent in CARRIED:
            return intent, LIKELY
    return None


def _bare_number(folded: str) -> float | None:
    match = re.fullmatch(r"#?(\d{1,3}(?:\.\d+)?)[?!.]*", folded)
    return float(match[1]) if match else None

"""Which of the tenant's faq entries a question is about, by its `q` and the usual words for it.

    q: parking    <- "where can I park?", "is there a lot behind the shop", "hay estacionamiento"
    q: payment    <- "do you take cards", "cash only?", "apple pay", "aceptan tarjeta"
    q: walk-ins   <- "can I just walk in", "do I need an appointment", "drop by"
Any other `q` is matched by its own words ("wifi" <- "is there wifi?").
"""
from __future__ import annotations

import re
from functools import lru_cache

from agents.understanding.text import fold, words
from config.schema import Faq

TOPICS: dict[str, str] = {
    "parking": r"\bpark|\bparking\b|\bgarage\b|\b(?:parking )?lot (?:behind|nearby|near|out|in back|next)"
               r"|\bestaciona|\baparca",
    "payment": r"\bpay\b|\bpaying\b|\bpayment|(?<!gift )\bcards?\b|\bcredit\b|\bdebit\b|\bcash\b|\bvenmo\b"
               r"|\bzelle\b|\bapple ?pay\b|\btips?\b|\btarjeta|\befectivo\b|\bpagar\b|\bpago\b",
    "walk-ins": r"\bwalk[ -]?ins?\b|\bwalk in\b|\bdrop (?:by|in)\b|\bwithout (?:an? )?(?:appointment|appt|booking)"
                r"|\bneed (?:an? )?(?:appointment|appt|to book)\b|\bsin cita\b",
}
ALIASES = {"walkins": "walk-ins", "walk ins": "walk-ins", "walk-in": "walk-ins", "pay": "payment",
           "payments": "payment", "park": "parking", "cards": "payment"}


def match_faq(entries: tuple[Faq, ...], folded: str) -> str | None:
    for q, pattern in _patterns(entries):
        if pattern.search(folded):
            return q
    return None


@lru_cache(maxsize=64)
def _patterns(entries: tuple[Faq, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((entry.q, re.compile(_pattern_of(entry.q))) for entry in entries)


def _pattern_of(q: str) -> str:
    key = fold(q)
    topic = TOPICS.get(ALIASES.get(key, key))
    if topic:
        return topic
    stems = [re.escape(_stem(w)) for w in words(key) if len(w) > 2]
    return r"\b(?:" + "|".join(stems) + r")" if stems else r"(?!)"


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word

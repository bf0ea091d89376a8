"""The words of a call that aren't a request to the engine: asking for a person, saying goodbye.

    asks_for_operator("can I talk to someone")   -> True   (so does the 0 key)
    says_goodbye("no thanks, that's all")       -> True   ("no, tomorrow at 3" is an answer)
"""
from __future__ import annotations

import re

from agents.understanding.signals import OPERATOR
from agents.understanding.text import fold

OPERATOR_WORDS = re.compile(
    r"\b(operator|human|representative|receptionist|(a|real|live|actual) person"
    r"|(talk|speak) (to|with) (someone|somebody|anyone|a person|staff))\b")
LONELY_WORDS = frozenset({"someone", "somebody", "person", "a person", "anyone", "staff", "zero"})
FAREWELL_WORDS = frozenset({
    "no", "nope", "nah", "nothing", "else", "that's", "thats", "that", "is", "all", "it", "i'm",
    "im", "good", "fine", "ok", "okay", "bye", "goodbye", "thanks", "thank", "you", "for", "now",
    "have", "a", "nice", "day", "great", "so", "much", "cheers", "i", "think"})
FAREWELL_STARTS = frozenset({"no", "nope", "nah", "nothing", "that's", "thats", "bye", "goodbye"})


def asks_for_operator(text: str) -> bool:
    """ "operator", "a person", "talk to someone", or the 0 key."""
    plain = _plain(text)
    return (plain in ("0", *LONELY_WORDS) or OPERATOR_WORDS.search(plain) is not None
            or OPERATOR.search(fold(text)) is not None)


def says_goodbye(text: str) -> bool:
    """ "no, that's all", "nope, thanks, bye": a closing, with no request in it."""
    words = _plain(text).replace(",", " ").split()
    return bool(words) and words[0] in FAREWELL_STARTS and set(words) <= FAREWELL_WORDS


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[.!?;:]", " ", text.replace("’", "'").casefold())).strip()

"""Whether a number in a person's text is a reading, or counts something else.

    reading_in("cooler 38", 38)                             -> True  (short, beside its task)
    reading_in("$1,250.50", 1250.5)                         -> True  (a unit)
    reading_in("the cooler is broken, 3 bottles leaked", 3) -> False (it counts bottles)
    reading_in("give me 5 min", 5)                          -> False (a wait)
    reading_in("the dryer at station 1 died", 1)            -> False (a place, in a long text)
    with_spelled_reading("cooler's reading forty")           -> "cooler's reading 40"
    with_spelled_reading("caja: mil doscientos")             -> "caja: 1200"
A reading closes a run, so a number that is not plainly one is left for the agent to ask about:
it has nothing around it that makes it a count, a wait, a clock time or a place, and either the
text is short or a reading word (a unit, temp, cash, drawer...) stands near it.
"""
from __future__ import annotations

import re

from text_to_num import alpha2digit

from agents.language import detect
from agents.understanding.text import fold
from recurring.proof import number_value

# Words right after the number that make it a count, a duration or a clock time.
COUNTED = re.compile(
    r"^\s*(?:min|mins|minutes?|m\b|hrs?\b|hours?|h\b|secs?|seconds?|days?|weeks?|more\b|ahead|left\b|"
    r"bottles?|boxes?|jars?\b|towels?|customers?|clients?|heads?|people|ppl|guys|cuts?\b|of (?:them|us|the)|"
    r"times|x\b|am\b|pm\b|o'?clock|:\d|y\b|minutos?|horas?|clientes?|botellas?|personas?)")
# Words right before it that make it a step, a place, a clock time or a wait.
BEFORE = re.compile(
    r"(?:\bsteps?|#|\bno\.?|\bat|\bby|\bin|\bback in|\bgive me|\bgimme|\bbe there|\bfor|\btil+|\buntil|\bafter|"
    r"\bstation|\bchair|\broom|\bline|\ben|\ba las|\bpaso|\bsilla)\s*$")
NUMBER = re.compile(r"(?<![\w.])[$€£]?\s*(\d{1,3}(?:\.\d{3})+,\d{1,2}(?!\d)|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
CUES = re.compile(r"[$€£°]|\d\s*(?:f|c|usd)\b|\b(?:temp\w*|degrees?|deg|grados|reading|reads|marca|cooler|fridge|nevera|refri|"
                  r"cash|drawer|till|register|count|caja|dollars?|bucks|total)\b")
# "two grand", "2 grand", "1.5k": thousands, as people count a drawer.
THOUSANDS = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:k|grand)\b|\bgrand\b")
# A spelled number that goes on in words the converter leaves ("thirty eight and a half").
FRACTION_AFTER = re.compile(r"\d\s+(?:and\s+)?(?:a\s+)?(?:half|quarter|y media|y cuarto)\b")
SHORT = 4  # words besides the number: "cooler 38", "done, 39 degrees", "drawer had 1312 tonight"


def reading_in(text: str, value: float) -> bool:
    folded = fold(text)
    for match in NUMBER.finditer(folded):
        if number_value(match[1]) != value:
            continue
        if COUNTED.search(folded[match.end():]) or BEFORE.search(folded[:match.start()].rstrip(":")) \
                and not CUES.search(folded[:match.start()]):
            return False
        return len(folded.split()) <= SHORT + 1 or CUES.search(folded) is not None
    return True  # written in words ("thirty eight"): the parser that found it vouches for it


def with_spelled_reading(text: str) -> str:
    """The text with a reading written in words as digits, when a reading word (cooler,
    caja, temp...) says the number is one; otherwise the text as it is. English first;
    Spanish unless the text reads English ("once" is Spanish for eleven). Words that come
    out as two numbers ("one thousand two fifty" -> "1002 50") or as a number and a fraction
    ("thirty eight and a half") are left for the model or a question: a reading misread
    closes a run."""
    folded = fold(text)
    if not CUES.search(folded):
        return text
    if THOUSANDS.search(folded):
        folded = THOUSANDS.sub(_thousands, folded)
        if NUMBER.search(folded):
            return folded
    if NUMBER.search(folded):
        return text
    for language in ("en", "es"):
        if language == "es" and detect(text).lang == "en":
            break
        converted = alpha2digit(folded, language, threshold=2)  # a lone "one" counts, it doesn't read
        if found := NUMBER.findall(converted):
            return converted if len(found) == 1 and not FRACTION_AFTER.search(converted) else text
    return text


def _thousands(match: re.Match) -> str:
    if match[1] is None:
        return "thousand"  # "two grand": the words go on to the converter
    return f"{float(match[1]) * 1000:g}"


def spells_a_number(text: str) -> bool:
    """Whether the text has a number in words ("thirty eight", "mil doscientos")."""
    folded = fold(text)
    return any(alpha2digit(folded, language, threshold=2) != folded for language in ("en", "es"))

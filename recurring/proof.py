"""Proof rules: what a task asks for, readings as people type them, and their range.

    proof_kind(task)          photo | number | text | none
    what_to_send(task)        "a photo", "the reading in F (33 to 41)", "a short note"
    parse_reading(text)       "done 38", "38F", "38.5 °F", "it's 38", "$1,250", "1.245,50",
                              "38... wait, 36", "was 46 when I came in, 39 now" -> Reading
    reading_flags(r, rule)    ["out_of_range"] outside min..max, ["unit_mismatch"] for F vs C
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from config.schema import NumberProof, ProofRule, Task

# A number with an optional currency sign before it and an optional unit after it.
READING = re.compile(
    r"(?<![\w.:])(?![\d]{1,2}:\d\d)(?!\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\b|o'?\s?clock))"  # never a clock time: "checked at 9:40: 37F"
    r"(?P<sign>[$€£])?\s*(?P<value>-?\d{1,3}(?:\.\d{3})+,\d{1,2}(?!\d)"  # "1.245,50", as much of the world writes it
    r"|-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)"
    r"(?:\s*(?:and|y|e|con)\s*(?P<cents>\d{1,2})\s*(?:cents?|centavos?|centimos?)\b)?"  # "1,612 and 40 cents"
    r"\s*(?P<unit>°\s*[fc]\b|°|degrees?\b|deg\b|grados\b|[fc]\b|usd\b|dollars?\b|%)?",
    re.IGNORECASE)
# A number taken back and given again: "cooler 38... wait nah 36", "$1,204.50 - wait no, $1,240.50".
CORRECTION = re.compile(r"\b(?:wait|actually|i mean|correction|make that|scratch that|digo|perd[oó]n)\b", re.IGNORECASE)
# The reading as it stands, beside an earlier one: "was 46 when I came in, 39 now", "now it's 38".
NOW_AFTER = re.compile(r"\s*(?:now|right now|currently|ahora)\b", re.IGNORECASE)
NOW_BEFORE = re.compile(r"\b(?:now|currently|ahora)(?: (?:it'?s|its|at|is|reads|es|esta|está|marca))?\s*$", re.IGNORECASE)
UNIT_WORDS = {"°f": "F", "f": "F", "°c": "C", "c": "C", "usd": "USD", "dollar": "USD",
              "dollars": "USD", "$": "USD", "%": "%", "€": "EUR", "£": "GBP"}
BARE_DEGREES = frozenset({"°", "degree", "degrees", "deg", "grados"})


@dataclass(frozen=True)
class Reading:
    value: float
    unit: str | None  # as given; None when the text gave none

    @property
    def text(self) -> str:
        return f"{self.value:g}"


def proof_kind(task: Task) -> str:
    return "number" if isinstance(task.proof, ProofRule) else task.proof


def what_to_send(task: Task) -> str:
    kind = proof_kind(task)
    if kind == "number":
        return f"the reading{_range_words(task.proof.number)}"
    return {"photo": "a photo", "text": "a short note", "none": "nothing more"}[kind]


def _range_words(rule: NumberProof) -> str:
    unit = f" in {rule.unit}" if rule.unit else ""
    if rule.min is not None and rule.max is not None:
        return f"{unit} ({rule.min:g} to {rule.max:g})"
    return unit


def parse_reading(text: str) -> Reading | None:
    """The first number in a text, with the unit written beside it; the first after a correction
    when the text corrects itself."""
    corrected = [c.end() for c in CORRECTION.finditer(text)]
    match = corrected and READING.search(text, corrected[-1]) or _current(text) or READING.search(text)
    if match is None:
        return None
    value = number_value(match["value"]) + int(match["cents"] or 0) / 100
    return Reading(value=round(value, 2), unit=_unit_of(match["sign"], match["unit"]))


def _current(text: str) -> re.Match[str] | None:
    found = list(READING.finditer(text))
    if len(found) < 2:
        return None
    return next((m for m in found if NOW_AFTER.match(text, m.end()) or NOW_BEFORE.search(text[:m.start()])), None)


def number_value(written: str) -> float:
    """A number as written: "1,250.50", "1.245,50", "38"."""
    if "," in written and "." in written and written.index(".") < written.index(","):
        return float(written.replace(".", "").replace(",", "."))  # "1.245,50"
    return float(written.replace(",", ""))


def _unit_of(sign: str | None, written: str | None) -> str | None:
    if sign:
        return UNIT_WORDS[sign]
    if not written:
        return None
    word = re.sub(r"\s+", "", written).casefold()
    if word in BARE_DEGREES:
        return "°"
    return UNIT_WORDS.get(word)


def reading_flags(reading: Reading, rule: NumberProof) -> list[str]:
    if not _same_unit(reading.unit, rule.unit):
        return ["unit_mismatch"]
    low = rule.min if rule.min is not None else float("-inf")
    high = rule.max if rule.max is not None else float("inf")
    return [] if low <= reading.value <= high else ["out_of_range"]


def recorded_unit(reading: Reading, rule: NumberProof) -> str:
    """The unit stored with a reading: the task's, unless the text said another."""
    if reading.unit in (None, "°") or _same_unit(reading.unit, rule.unit):
        return rule.unit
    return reading.unit


def _same_unit(given: str | None, expected: str) -> bool:
    if given is None or not expected:
        return True
    if given == "°":  # "38 degrees": degrees of whatever scale the task uses
        return expected.upper() in ("F", "C")
    return given.casefold() == expected.casefold()

"""Number words as digits, so the day and time rules read "three thirty" as they read "3 30".

    digits("friday at three thirty")     -> "friday at 3 30"
    digits("half past two")              -> "half past 2"
    digits("december first at one")      -> "december 1st at 1"
    digits("a las once y cuarto")        -> "a las 11 y cuarto"   (Spanish when the text reads Spanish)
    digits("i'd like one")               -> "i'd like one"        ("one" only where it tells the time)
    digits("at for o'clock")             -> "at 4 o'clock"        (speech-to-text's homophones, by a clock word)

text2num's alpha2digit does the converting; what is Onward's own is which words to leave alone:
a lone "one" (a count far more often than an hour), an ordinal that is not a day of the month
("my second visit"), an English "once", and the Spanish "cuarto" (a quarter hour, not "fourth").
"""
from __future__ import annotations

import re

from text_to_num import alpha2digit

# Isolated numbers from 2 up are converted; 1 only after a word that makes it an hour (ONE_AS_HOUR).
THRESHOLD = 2
SPANISH = re.compile(r"\b(?:a las?|de la|el|los|mi|para|por|quiero|puedo|hay|cita|turno|hora|horas|minutos"
                     r"|y media|manana|hoy|pasado|semana|que|tienen|tienes|pueden)\b")
ONE_AS_HOUR = re.compile(r"\b(at|@|around|by|half|past|to|til|till|until|before|after|la) (?:one|una)\b"
                         r"|\b(?:one|una)(?= ?o'? ?clock\b| ?[ap]\.?m\b)")
ORDINAL = re.compile(r"\b(?:(?:twenty|thirty)[ -])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
                     r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth"
                     r"|nineteenth|twentieth|thirtieth|primero)\b")
MONTHS_AND_CUES = frozenset({
    "the", "el", "on", "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre"})
KEPT = re.compile(r"\bcuarto\b")
# Speech-to-text writes the hour it heard as a word that sounds the same: "at for o'clock", "at to 30".
HEARD_AS = {"for": "4", "four": "4", "to": "2", "too": "2"}
SOUNDALIKE = re.compile(r"\b(?P<cue>at|around|by|til|till|until) (?P<word>for|to|too)\b"
                        r"(?= ?(?:o'? ?clock|\d{2}\b|[ap]\.?m\b|in the (?:morning|afternoon|evening)))"
                        r"|\b(?P<alone>for|too)(?= o'? ?clock\b)")


def digits(folded: str) -> str:
    if not any(c.isalpha() for c in folded):
        return folded
    kept: list[str] = []
    text = ORDINAL.sub(lambda m: _ordinal(m, kept), KEPT.sub(lambda m: _keep(m[0], kept), folded))
    text = alpha2digit(text, "en", threshold=THRESHOLD)
    if SPANISH.search(text):
        text = alpha2digit(text, "es", threshold=THRESHOLD)
    text = ONE_AS_HOUR.sub(lambda m: f"{m[1]} 1" if m[1] else "1", text)
    text = SOUNDALIKE.sub(_heard_hour, text)
    return _restore(text, kept)


def _heard_hour(match: re.Match[str]) -> str:
    if match["alone"]:
        return HEARD_AS[match["alone"]]
    return f"{match['cue']} {HEARD_AS[match['word']]}"


def _keep(words: str, kept: list[str]) -> str:
    kept.append(words)
    return f"\x00{len(kept) - 1}\x00"


def _restore(text: str, kept: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m[1])], text) if kept else text


def _ordinal(match: re.Match[str], kept: list[str]) -> str:
    """ "the first", "december first", "el primero" are a day of the month; "my second visit" is not."""
    before = match.string[:match.start()].split()[-1:]
    if not before or before[0] not in MONTHS_AND_CUES:
        return _keep(match[0], kept)
    return "1st" if match[0] in ("first", "primero") else match[0]

"""Texts as the rules read them: folded case, no accents, plain quotes, one space.

    fold("Mañana a las 3 ¿OK?")   -> "manana a las 3 ¿ok?"
    fold("👍🏽")                     -> "👍"
    words("can u do 3pm?!")       -> ("can", "u", "do", "3pm")
"""
from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[a-z0-9][a-z0-9'&+-]*|(?<= )[&+](?= )")
QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
# An emoji's skin tone and the joiner/variation marks say nothing of its meaning: "👎🏽" is "👎".
EMOJI_MARKS = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F]")


def fold(text: str) -> str:
    if text.isascii():  # most texts: no accents or curly quotes to take off
        return " ".join(text.lower().split())
    plain = unicodedata.normalize("NFKD", EMOJI_MARKS.sub("", text.translate(QUOTES)).casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.split())


def words(folded: str) -> tuple[str, ...]:
    return tuple(w if w in "&+" else w.strip("'-+&") for w in WORD.findall(folded))

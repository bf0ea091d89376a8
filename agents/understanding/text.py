"""Texts as the rules read them: folded case, no accents, plain quotes, one space.

    fold("Mañana a las 3 ¿OK?")   -> "manana a las 3 ¿ok?"
    words("can u do 3pm?!")       -> ("can", "u", "do", "3pm")
"""
from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[a-z0-9][a-z0-9'&+-]*|(?<= )[&+](?= )")
QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def fold(text: str) -> str:
    if text.isascii():  # most texts: no accents or curly quotes to take off
        return " ".join(text.lower().split())
    plain = unicodedata.normalize("NFKD", text.translate(QUOTES).casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.split())


def words(folded: str) -> tuple[str, ...]:
    return tuple(w if w in "&+" else w.strip("'-+&") for w in WORD.findall(folded))

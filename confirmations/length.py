"""Fitting a text into its room. A text cut short ends in "...": plain GSM-7, where the
one-character ellipsis would make the whole text UCS-2, at 70 characters a segment."""
from __future__ import annotations

ELLIPSIS = "..."


def shorten(text: str, room: int) -> str:
    """`text` in at most `room` characters, cut at a word where there is one."""
    if len(text) <= room:
        return text
    cut = text[:room - len(ELLIPSIS)]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ;,.:") + ELLIPSIS

"""Carrier keywords. They count only as the whole message: "I need to cancel my
appointment" is a request, "cancel" alone is an opt-out."""
from __future__ import annotations

OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
OPT_IN = frozenset({"start", "unstop"})
HELP = frozenset({"help", "info"})


def keyword_of(text: str) -> str | None:
    """"stop", "start", "yes" or "help" when the whole message is such a keyword.

    "yes" is apart: it opts back in only a number that opted out.
    """
    word = text.strip().strip(".!?").strip().casefold()
    if word in OPT_OUT:
        return "stop"
    if word in OPT_IN:
        return "start"
    if word == "yes":
        return "yes"
    if word in HELP:
        return "help"
    return None

"""Carrier keywords, and consent revoked in plain words. Both count only as the whole
message: "I need to cancel my appointment" is a request, "cancel" alone is an opt-out,
and "please stop" is one too, where "please stop by at 3" is not.

A message is compared once normalised: NFKC (fullwidth "ＳＴＯＰ" is STOP), case folded,
invisible format characters dropped, and any run of punctuation, symbols or emoji read
as a space, so "STOP!!", "Stop 🛑", "opt-out" and "stop, please" count.
"""
from __future__ import annotations

import re
import unicodedata

# Twilio's default opt-out keywords (REVOKE and OPTOUT since 2025), "STOP ALL" included.
OPT_OUT = frozenset({"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke",
                     "optout", "opt out"})
OPT_IN = frozenset({"start", "unstop"})
HELP = frozenset({"help", "info"})
CANCEL_LETTER = "x"  # a reminder's "Reply X to cancel"

# Consent revoked in words (the TCPA rule of April 2025: any reasonable means). Kept to
# whole messages that can mean nothing else; "stop by tomorrow?" must stay a request.
_PLEASE = r"(?:(?:please|pls|plz|just) )?"
_END = r"(?: (?:please|pls|plz|now|anymore|any more|again|thanks|thank you|ok|okay))*"
_TO_ME = r"(?:text(?:ing)?|messag(?:e|ing)|contact(?:ing)?|call(?:ing)?|spam(?:ming)?|email(?:ing)?)"
REVOCATION = re.compile(_PLEASE + r"(?:"
                        rf"stop(?: it| this)?"
                        rf"|stop {_TO_ME}(?: me)?"
                        r"|stop sending(?: me)?(?: (?:texts|messages|these|this))?"
                        r"|leave me alone"
                        rf"|(?:do not|don't|dont|never) {_TO_ME} me"
                        r"|no more (?:texts|messages|texting)"
                        r"|remove me(?: from (?:your|this|the) (?:list|texts|messages))?"
                        r"|take me off(?: (?:your|this|the) (?:list|texts))?"
                        r"|unsubscribe me|opt me out|i want to opt out"
                        r")" + _END)
_SEPARATORS = re.compile(r"(?:[^\w']|_)+")


def normalized(text: str) -> str:
    if not text.isascii():  # most texts are: they skip the per-character pass
        text = "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf")
        text = text.replace("\u2019", "'")
    text = text.casefold()
    return _SEPARATORS.sub(" ", text).strip(" '")


def keyword_of(text: str) -> str | None:
    """"stop", "start", "yes", "help" or "x" when the whole message is such a keyword.

    "yes" is apart: it opts back in only a number that opted out. "x" is the reminder's
    cancel letter: it still cancels the booking of a customer who opted out.
    """
    word = normalized(text)
    if word in OPT_OUT or REVOCATION.fullmatch(word):
        return "stop"
    if word in OPT_IN:
        return "start"
    if word == "yes":
        return "yes"
    if word in HELP:
        return "help"
    if word == CANCEL_LETTER:
        return "x"
    return None

"""What an owner's or manager's text asks for, as they write it (the rules the understanding
engine types, agents/understanding/staff.py; the owner agent acts on its result).

    "today", "now", "status"            -> today
    "findings", "patterns"              -> findings
    "4a", "4 ok", "ok", "got it"        -> acknowledge (finding 4, or the one open)
    "4o sam", "give cooler to sam"      -> reassign (who does the task from its next run on)
    anything else                       -> None
"""
from __future__ import annotations

import re
from dataclasses import dataclass

OWNER_ROLES = frozenset({"owner", "manager"})
# Only words that can't just be politeness ("thanks" after TODAY must not close a finding).
ACKS = frozenset({"ok", "okay", "got it", "ok got it", "ack", "acknowledged", "noted", "👍"})
CODED = re.compile(r"^#?(?P<code>\d{1,3})\s*(?:(?P<ack>a|ack|ok|okay|got it)|[or]\b(?!'|\s*clock)[\s:,.;-]*(?:to\s+)?(?P<name>.*))$")  # "4 o'clock" is no code
GIVE = re.compile(r"^(?:give|assign|move|hand|switch)\s+(?:the\s+)?(?P<task>.+?)\s+to\s+(?P<name>\S+)$")


@dataclass(frozen=True)
class OwnerAsk:
    kind: str  # today | findings | acknowledge | reassign
    code: int | None = None
    task: str = ""  # words naming a task ("cooler")
    name: str = ""  # a person's id or first name


def parse_owner_text(text: str) -> OwnerAsk | None:
    folded = re.sub(r"\s+", " ", text.replace("’", "'").casefold()).strip(" .!")
    if folded in ("today", "now", "status", "what's open today"):
        return OwnerAsk("today")
    if folded in ("findings", "finding", "patterns"):
        return OwnerAsk("findings")
    if folded in ACKS:
        return OwnerAsk("acknowledge")
    if coded := CODED.match(folded):
        code = int(coded["code"])
        return OwnerAsk("acknowledge", code) if coded["ack"] else OwnerAsk("reassign", code, name=coded["name"])
    if give := GIVE.match(folded):
        return OwnerAsk("reassign", task=give["task"], name=give["name"])
    return None

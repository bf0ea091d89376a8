"""The intent agent: what the customer asks, read by the understanding engine and then by
where the conversation stands ("2" after a numbered list is a pick; "Sam" after we
asked their name is a name, "skip" or "no thanks" then isn't; C, R or X alone answers a reminder;
"yes" after "want me to ask the team?" asks it), and by the text itself (asks.py: a bare
greeting; whether the business does something its file doesn't list)."""
from __future__ import annotations

import re

from sqlalchemy.orm import Session

from agents.booking.asks import is_greeting, unlisted
from agents.booking.customers import clean_name, declines_name
from agents.booking.slots import state_of
from agents.booking.work import Work
from agents.context import ExecutionContext
from agents.keywords import normalized
from agents.understanding import Understanding, understand_in

RECENT_KEPT = 3  # the customer's last texts, handed to the engine for "and thursday?"
LETTERS = {"c": "visit", "r": "reschedule", "x": "cancel"}  # the reminder's answers
PICK = re.compile(r"#?\s*([1-9])[.)!]?")
INTRO = re.compile(r"\b(?:this is|my name is|my name's|name is|it's|it is|i am|i'm)\s+"
                   r"([^\s,.!?;:]+(?:\s+[^\s,.!?;:]+)?)", re.IGNORECASE)
NOT_NAMES = frozenset("""a an the and or but i im looking free available here just calling texting
    wondering trying interested running late sorry not good fine ok okay so hoping going able
    new back sure still in on at for to with from booked after about ready done there me my your
    urgent great perfect correct right wrong regarding too really very""".split())
BOOKING_STATES = ("booking", "confirming", "choosing")


class IntentAgent:
    name = "intent"

    def run(self, ctx: ExecutionContext, session: Session, work: Work) -> ExecutionContext:
        recent = tuple(ctx.slots.get("recent", ()))
        # traced as its own step: engine, intent, fallback
        heard = ctx.intent = understand_in(ctx, recent, engine=ctx.understander)
        work.heard, work.name = heard, name_in(ctx.text)
        asked = ctx.slots.pop("ask_team", None)  # "want me to ask the team?": answered now or let go
        work.intent = answer_to_ask(heard, work, asked) or read_intent(ctx, heard, work)
        ctx.slots.pop("name_for", None)  # the name is asked once: this text answered it or not
        ctx.slots["recent"] = [*recent, ctx.text[:200]][-RECENT_KEPT:]
        ctx.outcome = work.intent
        return ctx


def answer_to_ask(heard: Understanding, work: Work, asked: dict | None) -> str | None:
    """Yes to "want me to ask the team?" asks it; no lets it go."""
    if asked is None or heard.intent not in ("confirm", "decline"):
        return None
    work.question = asked["q"]
    return "ask_team" if heard.intent == "confirm" else "decline"


def read_intent(ctx: ExecutionContext, heard: Understanding, work: Work) -> str:
    """The engine's intent, unless the conversation's state says what the text answers."""
    state, text = state_of(ctx.slots), ctx.text.strip().strip(".!").strip().casefold()
    if is_greeting(ctx.text):
        return "greeting"
    if unlisted(ctx.tenant, ctx.text, heard):
        return "unlisted"
    work.pick = _pick(text, ctx.slots) if state in ("choosing", "picking_booking") else None
    if work.pick is not None:
        return "pick"
    letter = normalized(ctx.text)  # read as the router reads it: "Ｘ", "x!" too
    if letter in LETTERS:
        return LETTERS[letter]
    if state == "naming" and declines_name(ctx.text):
        return "decline"  # no name given: noted, the booking stands
    if heard.intent == "unclear" and state == "naming" and clean_name(ctx.text):
        work.name = work.name or clean_name(ctx.text)
        return "name"
    if heard.intent == "unclear" and work.name and _only_intro(ctx.text):
        return "name"
    if heard.intent in ("unclear", "faq") and _has_booking_details(heard) and (
            state in BOOKING_STATES or heard.service):
        return "book"
    return heard.intent


def _pick(text: str, slots: dict) -> int | None:
    match = PICK.fullmatch(text)
    if not match:
        return None
    listed = (slots.get("choices") or {}).get("starts") or (slots.get("which") or {}).get("bookings") or []
    number = int(match[1])
    return number if 1 <= number <= len(listed) else None


def _has_booking_details(heard: Understanding) -> bool:
    return any((heard.service, heard.day, heard.time, heard.period, heard.at))


def name_in(text: str) -> str | None:
    """The name in "hi, this is Sam" or "my name is Sam Lee"; None when there is none."""
    match = INTRO.search(text)
    if not match:
        return None
    words = []
    for word in match[1].split():
        if word.casefold() in NOT_NAMES or not word[:1].isalpha():
            break
        words.append(word)
    if not words or (match[0].casefold().startswith(("i am", "i'm")) and not words[0][0].isupper()):
        return None
    return clean_name(" ".join(words))


def _only_intro(text: str) -> bool:
    rest = INTRO.sub("", text)
    return not re.sub(r"\b(hi|hello|hey)\b|[\W_]", "", rest, flags=re.IGNORECASE)

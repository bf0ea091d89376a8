"""Phone calls: what a call needs decided beyond what a text does.

    CallGreetingAgent   the call is answered: greet the caller, by name when known
    SilentTurnAgent     nothing heard: ask again once, then end the call and text a booking link
    OperatorAgent       "operator", "a person", 0: put the operator through, with a summary
    CallEndAgent        "no, that's all" when no conversation is under way: end the call

The call's own state lives in the conversation slots under CALL: its CallSid, the silent
turns in a row, the texts already sent during it, and the summary the operator hears.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.context import ExecutionContext
from agents.understanding.result import Understanding
from agents.understanding.rules import understand
from confirmations.outbox import queue_message
from config.schema import Person, Tenant
from store.models import Customer, Interaction, MessageStatus

CALL = "call"  # the slot holding this call's state
SILENT_TURNS = 2  # silent turns in a row that end a call
# Outcomes the voice answer acts on.
CALL_ANSWERED, CALL_SILENT, CALL_ENDED = "call_answered", "call_silent", "call_ended"
OPERATOR_DIALED, OPERATOR_UNAVAILABLE = "operator_dialed", "operator_unavailable"

OFFER = "You can book, move or cancel an appointment, or press 0 for a person. How can I help?"
OPERATOR_WORDS = re.compile(
    r"\b(operator|human|representative|receptionist|(a|real|live|actual) person"
    r"|(talk|speak) (to|with) (someone|somebody|anyone|a person|staff))\b")
LONELY_WORDS = frozenset({"someone", "somebody", "person", "a person", "anyone", "staff", "zero"})
FAREWELL_WORDS = frozenset({
    "no", "nope", "nah", "nothing", "else", "that's", "thats", "that", "is", "all", "it", "i'm",
    "im", "good", "fine", "ok", "okay", "bye", "goodbye", "thanks", "thank", "you", "for", "now",
    "have", "a", "nice", "day", "great", "so", "much", "cheers", "i", "think"})
FAREWELL_STARTS = frozenset({"no", "nope", "nah", "nothing", "that's", "thats", "bye", "goodbye"})


def asks_for_operator(text: str) -> bool:
    """ "operator", "a person", "talk to someone", or the 0 key."""
    plain = _plain(text)
    return plain in ("0", *LONELY_WORDS) or OPERATOR_WORDS.search(plain) is not None


def says_goodbye(text: str) -> bool:
    """ "no, that's all", "nope, thanks, bye": a closing, with no request in it."""
    words = _plain(text).replace(",", " ").split()
    return bool(words) and words[0] in FAREWELL_STARTS and set(words) <= FAREWELL_WORDS


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[.!?;:]", " ", text.replace("’", "'").casefold())).strip()


class CallGreetingAgent:
    name = "call_greeting"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        call_state(ctx)
        first = caller_name(ctx, session).split(" ")[0]
        hello = f"Hi {first}, thanks for calling" if first else "Thanks for calling"
        ctx.reply(f"{hello} {ctx.tenant.name}. {OFFER}")
        ctx.outcome = CALL_ANSWERED
        return ctx


class SilentTurnAgent:
    name = "call_silence"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        call = call_state(ctx)
        step = ctx.interaction.call_step or 0
        in_a_row = call.get("silent", 0) + 1 if call.get("silent_step") == step - 1 else 1
        call.update(silent=in_a_row, silent_step=step)
        if in_a_row < SILENT_TURNS:
            ctx.reply(f"Sorry, I didn't catch that. {OFFER}")
            ctx.outcome = CALL_SILENT
            return ctx
        texted = text_once(ctx, session, "booking_link", booking_link_text(ctx))
        told = "I've texted you a link to book instead." if texted else "Please call or text us again."
        ctx.reply(f"Sorry, I still can't hear you. {told} Thanks for calling {ctx.tenant.name}. Goodbye.")
        ctx.outcome = CALL_ENDED
        return ctx


class OperatorAgent:
    name = "operator"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        call = call_state(ctx)
        person = operator_of(ctx.tenant)
        if person is None:
            return _no_operator(ctx, session)
        call["summary"] = summarize_call(ctx, session)
        ctx.reply(f"Connecting you to {person.name.split(' ')[0]} now. Please hold.")
        ctx.outcome = OPERATOR_DIALED
        return ctx


def _no_operator(ctx: ExecutionContext, session: Session) -> ExecutionContext:
    body = (f"Sorry we couldn't put you through to {ctx.tenant.name}. Reply to this text with "
            "your message and we'll get back to you.")
    texted = text_once(ctx, session, "message", body)
    told = ("I've texted you, so you can leave a message." if texted
            else "Please text this number with your message.")
    ctx.reply(f"Sorry, nobody can come to the phone right now. {told} Is there anything else I can help with?")
    ctx.outcome = OPERATOR_UNAVAILABLE
    return ctx


class CallEndAgent:
    name = "call_end"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        ctx.reply(f"Thanks for calling {ctx.tenant.name}. Goodbye.")
        ctx.outcome = CALL_ENDED
        return ctx


def call_key(call_sid: str, step: int) -> str:
    """The provider key of one step of a call: turns are taken once per CallSid and step."""
    return f"voice:{call_sid}:{step}"


def call_state(ctx: ExecutionContext) -> dict:
    """This call's slot, started afresh when a new call (another CallSid) begins."""
    sid = ctx.interaction.raw.get("CallSid", "")
    call = ctx.slots.get(CALL)
    if not isinstance(call, dict) or call.get("sid") != sid:
        call = {"sid": sid}
    ctx.slots[CALL] = call
    return call


def operator_of(tenant: Tenant) -> Person | None:
    person = tenant.person(tenant.operator) if tenant.operator else None
    return person if person is not None and person.phone else None


def caller_name(ctx: ExecutionContext, session: Session) -> str:
    """A configured person's name, a known customer's, or ""."""
    if ctx.actor.person is not None:
        return ctx.actor.person.name
    query = select(Customer.name).where(Customer.tenant == ctx.tenant.tenant,
                                        Customer.phone == ctx.interaction.from_phone)
    return (session.scalar(query) or "").strip()


def text_once(ctx: ExecutionContext, session: Session, kind: str, body: str) -> bool:
    """Text the caller once per call per kind; False when it can't go (opted out)."""
    call = call_state(ctx)
    if kind in call.get("texted", []):
        return True
    message = queue_message(session, tenant=ctx.tenant.tenant, to=ctx.interaction.from_phone,
                            from_=ctx.interaction.to_phone, body=body, purpose="notice",
                            interaction_id=ctx.interaction_id)
    call["texted"] = [*call.get("texted", []), kind]
    return message.status != MessageStatus.FAILED


def booking_link_text(ctx: ExecutionContext) -> str:
    name, number = ctx.tenant.name, ctx.interaction.to_phone
    if ctx.tenant.booking_url:
        return (f"Sorry we couldn't hear you on the phone. Book with {name} here: "
                f"{ctx.tenant.booking_url} or reply BOOK to this text.")
    return (f"Sorry we couldn't hear you on the phone. To book with {name}, reply BOOK to this text "
            f"or tap sms:{number}?body=BOOK and send it.")


# The operator's whisper: one sentence of who is calling and what they want.

def operator_summary(slots: dict, call_sid: str) -> str | None:
    """The summary OperatorAgent kept for this call, if it is the session's call."""
    call = slots.get(CALL)
    if isinstance(call, dict) and call.get("sid") == call_sid:
        return call.get("summary")
    return None


def summarize_call(ctx: ExecutionContext, session: Session) -> str:
    name = caller_name(ctx, session)
    phone = spoken_phone(ctx.interaction.from_phone, ctx.tenant.country)
    who = f"Caller {name} at {phone}" if name else f"A caller at {phone}"
    said = said_during_call(ctx, session)
    return f"{who} {wanted(ctx.tenant, said, ctx.now)}."


KEYS = re.compile(r"[\d#*\s]+")  # keys pressed, not words


def said_during_call(ctx: ExecutionContext, session: Session) -> list[str]:
    """What the caller said this call (keys pressed left out), oldest first, this turn included."""
    sid, step = ctx.interaction.raw.get("CallSid", ""), ctx.interaction.call_step or 0
    keys = [call_key(sid, turn) for turn in range(1, step)]
    earlier = session.scalars(select(Interaction.text).where(Interaction.provider_key.in_(keys))
                              .order_by(Interaction.id)).all() if keys else []
    return [text for text in (*earlier, ctx.text) if text and not KEYS.fullmatch(text)]


def wanted(tenant: Tenant, said: list[str], now: datetime) -> str:
    """ "wants a haircut tomorrow at 3 PM", or the caller's own words when nothing is understood."""
    found = understood(tenant, said, now)
    phrase = wants_phrase(tenant, found, now) if found else None
    if phrase:
        return phrase
    words = [text for text in said if not asks_for_operator(text)]
    if not words:
        return "asked for a person straight away"
    quote = " ".join(words)
    return f'said: "{quote[:117] + "..." if len(quote) > 120 else quote}"'


def understood(tenant: Tenant, said: list[str], now: datetime) -> Understanding | None:
    """What the caller's words add up to: the last clear request, its gaps filled from the rest."""
    results = [understand(tenant, text, now, tuple(said[:i])) for i, text in enumerate(said)]
    asked = [u for u in results if u.intent in WANTS]
    if not asked:
        return None
    last = asked[-1]
    fill = {field: next((getattr(u, field) for u in reversed(results) if getattr(u, field)), None)
            for field in ("service", "day", "time", "period", "at", "faq")}
    return Understanding(intent=last.intent, **{k: getattr(last, k) or v for k, v in fill.items()})


WANTS = {"book": "wants {service}{when}", "reschedule": "wants to move an appointment{to_when}",
         "cancel": "wants to cancel an appointment", "hours": "is asking about opening hours",
         "prices": "is asking about prices{for_service}", "faq": "has a question about {faq}"}


def wants_phrase(tenant: Tenant, u: Understanding, now: datetime) -> str:
    service = next((s.name.lower() for s in tenant.services if s.id == u.service), None)
    when = spoken_when(u, now.astimezone(tenant.zone), tenant)
    return WANTS[u.intent].format(
        service=_article(service) if service else "an appointment", when=f" {when}" if when else "",
        to_when=f" to {when.removeprefix('on ')}" if when else "", for_service=f" for {_article(service)}" if service else "",
        faq=u.faq or "the business")


def spoken_when(u: Understanding, now: datetime, tenant: Tenant) -> str:
    day, clock = u.day, u.time
    if u.at is not None:
        local = u.at.astimezone(tenant.zone)
        day, clock = local.date(), local.time()
    said_day = spoken_day(day, now.date()) if day else ""
    if clock is not None:
        return f"{said_day} at {spoken_time(clock)}".strip()
    if u.period:
        return f"{'this' if said_day == 'today' else said_day} {u.period}" if day else f"in the {u.period}"
    return said_day


def spoken_day(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    if today < day < today + timedelta(days=7):
        return f"on {day:%A}"
    return f"on {day:%B} {day.day}"


def spoken_time(clock: time) -> str:
    hour = clock.hour % 12 or 12
    suffix = "AM" if clock.hour < 12 else "PM"
    if clock == time(12, 0):
        return "noon"
    return f"{hour} {suffix}" if clock.minute == 0 else f"{hour}:{clock.minute:02d} {suffix}"


def spoken_phone(phone: str, country: str) -> str:
    """ "+16175550150" -> "617 555 0150": the national number in groups, as people say it."""
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return phone
    home = phonenumbers.region_code_for_number(number) == country
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return re.sub(r"[^\d+]+", " ", phonenumbers.format_number(number, style)).strip()


def _article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"

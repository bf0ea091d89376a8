"""Phone calls: each turn of a call is one Interaction through the same engine as a text,
answered with TwiML.

    POST /twilio/voice                the call is answered (step 0): a greeting and a Gather
    POST /twilio/voice/gather?turn=N  what the caller said or keyed at step N, or how a Dial ended
                                      (without turn: the step after the call's last one)
    POST /twilio/voice/whisper?call=  what the operator hears before being put through
    POST /twilio/voice/relay-ended    a ConversationRelay session ended (relay mode: conversation/relay.py)

A turn is taken once per CallSid and step; a replayed turn gets the TwiML stored for it.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping
from urllib.parse import urlencode

from sqlalchemy import select

from agents.context import ExecutionContext
from agents.templates.words import Words
from agents.voice import CALL_ENDED, OPERATOR_DIALED, call_key, operator_of, operator_summary
from config.schema import Tenant
from conversation import twiml
from conversation.intake import take_in
from conversation.interaction import BadInput, voice_from_form
from conversation.records import stored_reply
from routing.calls import KEYED_ANSWERS
from routing.sessions import load_session
from runtime import Runtime
from store.models import Interaction as InteractionRow

log = logging.getLogger(__name__)
MAX_STEPS = 50  # turns of one call; a longer call is asked to carry on by text
NOT_IN_SERVICE = "Sorry, this number is not in service. Goodbye."
CONNECTED = ("completed", "answered")  # DialCallStatus of a call the operator took


def answer_turn(runtime: Runtime, form: Mapping[str, str], step: int, now: datetime) -> str:
    """The TwiML for one step of a call."""
    interaction = voice_from_form(form, now, step)
    tenant = runtime.tenants.by_number(interaction.to_phone)
    if tenant is None:
        log.warning("call to unknown number %s from %s", interaction.to_phone, interaction.from_phone)
        return twiml.goodbye(NOT_IN_SERVICE)
    base = runtime.settings.public_base_url
    if "DialCallStatus" in form:
        return after_dial(tenant, form["DialCallStatus"], step, base)
    return take_in(runtime, tenant, interaction, lambda ctx: render_turn(ctx, base))


@dataclass(frozen=True)
class Spoken:
    """The engine's answer on a call: what is said, in which language, and what follows it."""

    say: str
    then: str  # LISTEN, DIAL (the operator) or HANG_UP
    lang: str


LISTEN, DIAL, HANG_UP = "listen", "dial", "hang_up"


def spoken_answer(ctx: ExecutionContext) -> Spoken:
    """The engine's answer as a caller hears it, in their language, whichever way the call is taken."""
    step, lang = ctx.interaction.call_step or 0, ctx.slots.get("lang", "en")
    w = Words(ctx.tenant, lang, voice=True)
    say = speakable(" ".join(ctx.replies)) or w("call_say_again")
    if ctx.outcome == CALL_ENDED:
        return Spoken(say, HANG_UP, lang)
    if step + 1 >= MAX_STEPS:
        return Spoken(f"{say} {w('call_text_instead')}", HANG_UP, lang)
    if ctx.outcome == OPERATOR_DIALED and operator_of(ctx.tenant) is not None:
        return Spoken(say, DIAL, lang)
    if ctx.state == "idle" and not say.endswith("?"):  # nothing asked: ask what else
        say += " " + w("call_anything_else")
    if ctx.state in KEYED_ANSWERS:  # a yes or no: the keypad answers it too
        say += " " + w("call_keys_yes_no")
    return Spoken(say, LISTEN, lang)


def render_turn(ctx: ExecutionContext, base: str) -> str:
    """The engine's answer as TwiML: said, then listened on (a Gather, or a ConversationRelay
    session from the greeting on for a tenant in relay mode), dialled, or hung up."""
    spoken, step = spoken_answer(ctx), ctx.interaction.call_step or 0
    if spoken.then == HANG_UP:
        return twiml.goodbye(spoken.say, spoken.lang)
    if spoken.then == DIAL:
        return dial_operator(ctx.tenant, spoken, ctx.interaction.raw["CallSid"], step, base)
    if step == 0 and ctx.tenant.voice.mode == "relay":
        return twiml.relay(relay_url(base), relay_ended_url(base), spoken.say, hints(ctx.tenant), spoken.lang)
    return twiml.gather(spoken.say, gather_url(base, step + 1), hints(ctx.tenant), spoken.lang)


def dial_operator(tenant: Tenant, spoken: Spoken, call_sid: str, step: int, base: str) -> str:
    whisper_url = f"{base}/twilio/voice/whisper?{urlencode({'call': call_sid})}"
    return twiml.dial(spoken.say, operator_of(tenant).phone, whisper_url, gather_url(base, step + 1), spoken.lang)


def after_dial(tenant: Tenant, status: str, step: int, base: str) -> str:
    """Where a Dial to the operator ends: goodbye after a talk, another way on otherwise."""
    if status.strip().lower() in CONNECTED:
        return twiml.goodbye(f"Thanks for calling {tenant.name}. Goodbye.")
    if step + 1 >= MAX_STEPS:
        return twiml.goodbye("Sorry, nobody could come to the phone. Please text us. Goodbye.")
    sorry = ("Sorry, nobody could come to the phone right now. Text this number with your "
             "message and we'll get back to you, or tell me how I can help.")
    if tenant.voice.mode == "relay":
        return twiml.relay(relay_url(base), relay_ended_url(base), sorry, hints(tenant))
    return twiml.gather(sorry, gather_url(base, step + 1), hints(tenant))


def after_relay(runtime: Runtime, form: Mapping[str, str], now: datetime) -> str:
    """The <Connect> action, posted when a relay session ends: the hand-off it ended with (the
    operator, or a goodbye), said as TwiML; a call whose session failed carries on with a Gather;
    anything else (the caller hung up) is over."""
    interaction = voice_from_form(form, now, 0)  # checks the form: CallSid, From, To
    tenant = runtime.tenants.by_number(interaction.to_phone)
    if tenant is None:
        return twiml.goodbye(NOT_IN_SERVICE)
    base, sid = runtime.settings.public_base_url, form["CallSid"].strip()
    step = handoff_step(form.get("HandoffData") or "")
    with runtime.db.session() as session:
        spoken = spoken_on_record(stored_reply(session, call_key(sid, step))) if step is not None else None
    if spoken is not None and spoken.then == DIAL and operator_of(tenant) is not None:
        return dial_operator(tenant, spoken, sid, step, base)
    if spoken is not None and spoken.then == HANG_UP:
        return twiml.goodbye(spoken.say, spoken.lang)
    if (form.get("SessionStatus") or "").strip().lower() == "failed":
        w = Words(tenant, "en", voice=True)
        return twiml.gather(w("call_say_again"), gather_url(base, next_step(runtime, form)), hints(tenant))
    return twiml.hangup()


def spoken_on_record(answer: str | None) -> Spoken | None:
    """A relay turn's answer as kept for it (JSON); None for anything else (a <Gather> turn's TwiML)."""
    try:
        return Spoken(**json.loads(answer)) if answer else None
    except (ValueError, TypeError):
        return None


def handoff_step(data: str) -> int | None:
    """The step a relay session handed the call off at, from the handoffData Onward sent with it."""
    try:
        step = json.loads(data).get("step") if data else None
    except (ValueError, AttributeError):
        return None
    return step if isinstance(step, int) and 0 < step <= MAX_STEPS else None


def whisper(runtime: Runtime, call_sid: str, now: datetime) -> str:
    """The one sentence the operator hears about the caller before being put through."""
    with runtime.db.session() as session:
        query = select(InteractionRow.tenant, InteractionRow.from_phone).where(
            InteractionRow.provider_key == call_key(call_sid, 0))
        call = session.execute(query).first()
        slots = load_session(session, call.tenant, call.from_phone, now).slots if call else {}
    return twiml.whisper(operator_summary(slots, call_sid) or "You have a caller on the line.")


def next_step(runtime: Runtime, form: Mapping[str, str]) -> int:
    """The step after the last one taken of this call (1 after the greeting): for a turn
    posted without the ?turn= of the action URL."""
    sid = (form.get("CallSid") or "").strip()
    if not sid:
        raise BadInput("missing CallSid")
    prefix = call_key(sid, 0).removesuffix("0")
    with runtime.db.session() as session:
        keys = session.scalars(select(InteractionRow.provider_key).where(
            InteractionRow.provider_key.startswith(prefix, autoescape=True))).all()
    steps = [int(key.removeprefix(prefix)) for key in keys if key.removeprefix(prefix).isdigit()]
    return max(steps, default=0) + 1


def gather_url(base: str, step: int) -> str:
    return f"{base}/twilio/voice/gather?turn={step}"


def relay_url(base: str) -> str:
    """The relay WebSocket's address: Twilio connects to PUBLIC_BASE_URL's host over wss (ws for http)."""
    return re.sub(r"^http", "ws", base) + "/twilio/relay"


def relay_ended_url(base: str) -> str:
    return f"{base}/twilio/voice/relay-ended"


def hints(tenant: Tenant) -> str:
    words = [name for s in tenant.services for name in (s.name, *s.aliases)]
    return ", ".join(dict.fromkeys([*words, "operator"]))


# Texts as a voice reads them: no emoji, times and days said in full, "say" for "reply".
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D\u20E3]")
DAYS = {"Mon": "Monday", "Tue": "Tuesday", "Tues": "Tuesday", "Wed": "Wednesday",
        "Thu": "Thursday", "Thur": "Thursday", "Thurs": "Thursday", "Fri": "Friday",
        "Sat": "Saturday", "Sun": "Sunday"}
MONTHS = {"Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April", "Jun": "June",
          "Jul": "July", "Aug": "August", "Sep": "September", "Sept": "September",
          "Oct": "October", "Nov": "November", "Dec": "December"}
SPOKEN = (
    (EMOJI, ""),
    (re.compile(r"\b(\d{1,2}):00\s*([ap])\.?m\b\.?", re.I), lambda m: f"{m[1]} {m[2].upper()}M"),
    (re.compile(r"\b(\d{1,2}(?::\d\d)?)\s*([ap])\.?m\b\.?", re.I), lambda m: f"{m[1]} {m[2].upper()}M"),
    (re.compile(rf"\b({'|'.join(DAYS)})-({'|'.join(DAYS)})\b"), lambda m: f"{DAYS[m[1]]} to {DAYS[m[2]]}"),
    (re.compile(rf"\b({'|'.join(DAYS)})\b\.?(?=[ ,])"), lambda m: DAYS[m[1]]),
    (re.compile(rf"\b({'|'.join(MONTHS)})\b\.? (?=\d)"), lambda m: f"{MONTHS[m[1]]} "),
    (re.compile(r"\b(\d)\)\s+"), lambda m: f"option {m[1]}, "),
    (re.compile(r"\bReply\b"), "Say"),
    (re.compile(r"\breply\b"), "say"),
    (re.compile(r"\s&\s"), " and "),
    (re.compile(r"(?<![.!?,:;])[ \t]*\n+\s*"), ". "),
    (re.compile(r"\s+"), " "),
)


def speakable(text: str) -> str:
    for pattern, spoken in SPOKEN:
        text = pattern.sub(spoken, text)
    return text.strip()

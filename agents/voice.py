"""Phone calls: what a call needs decided beyond what a text does.

    CallGreetingAgent   the call is answered: greet the caller, by name when known
    SilentTurnAgent     nothing heard: ask again once, then end the call and text a booking link
    OperatorAgent       "operator", "a person", 0: put the operator through, with a summary
    CallEndAgent        "no, that's all" when no conversation is under way: end the call

The call's own state lives in the conversation slots under CALL: its CallSid, the silent
turns in a row, the texts already sent during it, and the summary the operator hears.
A caller is spoken to in the language kept for their number (slot "lang", or their customer
record), which the customer chain updates from what they say; the operator hears English.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.call_summary import spoken_phone, summary
from agents.context import ExecutionContext
from agents.templates.words import Words
from confirmations.outbox import queue_message
from config.schema import Person, Tenant
from store.models import Customer, Interaction, MessageStatus

CALL = "call"  # the slot holding this call's state
SILENT_TURNS = 2  # silent turns in a row that end a call
# Outcomes the voice answer acts on.
CALL_ANSWERED, CALL_SILENT, CALL_ENDED = "call_answered", "call_silent", "call_ended"
OPERATOR_DIALED, OPERATOR_UNAVAILABLE = "operator_dialed", "operator_unavailable"

KEYS = re.compile(r"[\d#*\s]+")  # keys pressed, not words


class CallGreetingAgent:
    name = "call_greeting"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        call_state(ctx)
        w = words_for(ctx, session)
        first = caller_name(ctx, session).split(" ")[0]
        ctx.reply(w("call_hello_name" if first else "call_hello", first=first, business=ctx.tenant.name,
                    offer=w("call_offer")))
        ctx.outcome = CALL_ANSWERED
        return ctx


class SilentTurnAgent:
    name = "call_silence"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        call = call_state(ctx)
        step = ctx.interaction.call_step or 0
        in_a_row = call.get("silent", 0) + 1 if call.get("silent_step") == step - 1 else 1
        call.update(silent=in_a_row, silent_step=step)
        w = words_for(ctx, session)
        if in_a_row < SILENT_TURNS:
            ctx.reply(w("call_silent", offer=w("call_offer")))
            ctx.outcome = CALL_SILENT
            return ctx
        texted = text_once(ctx, session, "booking_link", booking_link_text(ctx, w))
        told = w("call_link_texted" if texted else "call_again")
        ctx.reply(w("call_silent_end", told=told, business=ctx.tenant.name))
        ctx.outcome = CALL_ENDED
        return ctx


class OperatorAgent:
    name = "operator"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        call = call_state(ctx)
        person = operator_of(ctx.tenant)
        if person is None:
            return _no_operator(ctx, session)
        phone = spoken_phone(ctx.interaction.from_phone, ctx.tenant.country)
        call["summary"] = summary(ctx.tenant, caller_name(ctx, session), phone,
                                  said_during_call(ctx, session), ctx.now)
        ctx.reply(words_for(ctx, session)("call_connecting", first=person.name.split(" ")[0]))
        ctx.outcome = OPERATOR_DIALED
        return ctx


def _no_operator(ctx: ExecutionContext, session: Session) -> ExecutionContext:
    w = words_for(ctx, session)
    texted = text_once(ctx, session, "message", w("call_no_operator_text", business=ctx.tenant.name))
    told = w("call_no_operator_texted" if texted else "call_no_operator_untexted")
    ctx.reply(w("call_no_operator", told=told))
    ctx.outcome = OPERATOR_UNAVAILABLE
    return ctx


class CallEndAgent:
    name = "call_end"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        ctx.reply(words_for(ctx, session)("call_end", business=ctx.tenant.name))
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


def words_for(ctx: ExecutionContext, session: Session) -> Words:
    """The caller's language: kept in this conversation, else on their customer record."""
    if "lang" not in ctx.slots:
        query = select(Customer.language).where(Customer.tenant == ctx.tenant.tenant,
                                                Customer.phone == ctx.interaction.from_phone)
        ctx.slots["lang"] = session.scalar(query) or "en"
    return Words(ctx.tenant, ctx.slots["lang"], voice=True)


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


def booking_link_text(ctx: ExecutionContext, w: Words) -> str:
    if ctx.tenant.booking_url:
        return w("call_link_url", business=ctx.tenant.name, url=ctx.tenant.booking_url)
    return w("call_link_sms", business=ctx.tenant.name, number=ctx.interaction.to_phone)


def said_during_call(ctx: ExecutionContext, session: Session) -> list[str]:
    """What the caller said this call (keys pressed left out), oldest first, this turn included."""
    sid, step = ctx.interaction.raw.get("CallSid", ""), ctx.interaction.call_step or 0
    keys = [call_key(sid, turn) for turn in range(1, step)]
    earlier = session.scalars(select(Interaction.text).where(Interaction.provider_key.in_(keys))
                              .order_by(Interaction.id)).all() if keys else []
    return [text for text in (*earlier, ctx.text) if text and not KEYS.fullmatch(text)]


def operator_summary(slots: dict, call_sid: str) -> str | None:
    """The summary OperatorAgent kept for this call, if it is the session's call."""
    call = slots.get(CALL)
    if isinstance(call, dict) and call.get("sid") == call_sid:
        return call.get("summary")
    return None

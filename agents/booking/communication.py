"""The communication agent: the reply, and the confirmations beside it.

The reply answers on the channel the customer used (TwiML for texts, speech for calls,
JSON for the API), in the customer's language (work.lang). A booking made, moved or
cancelled is also told to the operator (purpose notice, in English), and to the customer by
text when they called or came through the API (purpose confirmation), since those channels
leave them nothing to keep.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from agents.booking import messages as m
from agents.booking.calendar import booking_of
from agents.booking.lifecycle import CHANGE_NOTICES, service_of, tell_change
from agents.booking.slots import starts_of
from agents.booking.work import Work
from agents.context import ExecutionContext
from agents.templates.words import Words

Say = Callable[[ExecutionContext, Session, Work, Words], str]
TEXTED_CHANNELS = ("sms", "mms")


class CommunicationAgent:
    name = "communication"

    def run(self, ctx: ExecutionContext, session: Session, work: Work) -> ExecutionContext:
        w = Words(ctx.tenant, work.lang, voice=ctx.interaction.channel == "voice")
        text = REPLIES.get(work.result, not_understood)(ctx, session, work, w)
        if work.ask_name:
            text += " " + w("ask_name_voice" if w.voice else "ask_name")
        ctx.reply(m.fit(text))
        if work.result in CHANGE_NOTICES:
            confirm_elsewhere(ctx, session, work)
        ctx.outcome = work.result
        return ctx


def confirm_elsewhere(ctx: ExecutionContext, session: Session, work: Work) -> None:
    tell_change(session, ctx.tenant, work.result, work.booking, work.customer, work.lang, ctx.interaction_id,
                moved_from=work.moved_from, text_them=ctx.interaction.channel not in TEXTED_CHANNELS)


def can_do(w: Words) -> str:
    example = w.tenant.services[0].name.lower() if w.tenant.services else "an appointment"
    return w("can_do", business=w.tenant.name, example=example)


# -- the replies, one per result -----------------------------------------------------------------

def held(ctx, session, work: Work, w: Words) -> str:
    service = service_of(ctx.tenant, work.booking.service)
    if work.booking.moves_id:
        moving = booking_of(session, ctx.tenant.tenant, work.booking.moves_id)
        return m.move_offer(w, service, moving.start, work.booking.start)
    return m.offer(w, service, work.booking.start)


def confirmed(ctx, session, work: Work, w: Words) -> str:
    return m.confirmation(w, service_of(ctx.tenant, work.booking.service), work.booking)


def awaiting_deposit(ctx, session, work: Work, w: Words) -> str:
    return m.deposit_due(w, service_of(ctx.tenant, work.booking.service), work.booking)


def moved(ctx, session, work: Work, w: Words) -> str:
    return m.moved(w, service_of(ctx.tenant, work.booking.service), work.booking)


def cancelled(ctx, session, work: Work, w: Words) -> str:
    return m.cancelled(w, service_of(ctx.tenant, work.booking.service), work.booking)


def choices(ctx, session, work: Work, w: Words) -> str:
    plan = work.plan
    listed = m.choices(w, starts_of(ctx.slots.get("choices")))
    if plan.reason is None:
        return w("free_times", choices=listed)
    return w("nearest_free", why=m.why_not(w, plan.reason, plan.start), choices=listed)


def refused(ctx, session, work: Work, w: Words) -> str:
    plan = work.plan
    if plan.reason == "past_day":
        return w("past_day")
    return w("refused", why=m.why_not(w, plan.reason, plan.start))


def too_late(ctx, session, work: Work, w: Words) -> str:
    booking = booking_of(session, ctx.tenant.tenant, work.plan.booking_id)
    return m.too_late_to_change(w, service_of(ctx.tenant, booking.service), booking)


def no_booking(ctx, session, work: Work, w: Words) -> str:
    return w("no_booking")


def which(ctx, session, work: Work, w: Words) -> str:
    bookings = [booking_of(session, ctx.tenant.tenant, i) for i in work.plan.bookings]
    services = {s.id: s for s in ctx.tenant.services}
    return m.which_booking(w, bookings, services, "cancel" if work.plan.text == "cancel" else "move")


def ask_service(ctx, session, work: Work, w: Words) -> str:
    return m.services_question(w)


def ask_when(ctx, session, work: Work, w: Words) -> str:
    service = service_of(ctx.tenant, work.plan.service)
    if work.plan.booking_id:
        return w("ask_when_move", service=service.name)
    return w("ask_when", service=service.name, price=w.price(service))


def ask_time(ctx, session, work: Work, w: Words) -> str:
    start = work.plan.start
    return w("ask_time", day=w.day(start), hours=m.hours_on_day(w, start), first=w.clock_at(start))


def visit_confirmed(ctx, session, work: Work, w: Words) -> str:
    return w("visit_confirmed", when=w.when(work.booking.start))


def nothing_to_confirm(ctx, session, work: Work, w: Words) -> str:
    return w("nothing_to_confirm", can_do=can_do(w))


def choices_again(ctx, session, work: Work, w: Words) -> str:
    return w("choices_again", choices=m.choices(w, starts_of(ctx.slots.get("choices"))))


def declined(ctx, session, work: Work, w: Words) -> str:
    return w("declined")


def noted(ctx, session, work: Work, w: Words) -> str:
    return w("noted")


def answer(ctx, session, work: Work, w: Words) -> str:
    return work.plan.text


def team_told(ctx, session, work: Work, w: Words) -> str:
    return w("team_called" if work.plan.kind == "operator" else "team_asked")


def no_operator(ctx, session, work: Work, w: Words) -> str:
    return w("no_operator", phone=m.phone_words(ctx.tenant))


def name_noted(ctx, session, work: Work, w: Words) -> str:
    name = work.customer.name if work.customer and work.customer.name else ""
    return w("name_thanks", first=name.split()[0]) if name else w("thanks")


def greeting(ctx, session, work: Work, w: Words) -> str:
    return w("greeting", business=ctx.tenant.name)


def unlisted(ctx, session, work: Work, w: Words) -> str:
    return w("unlisted")


def handed_off(ctx, session, work: Work, w: Words) -> str:
    return w("handed_off")


def not_understood(ctx, session, work: Work, w: Words) -> str:
    """One short question: what the conversation is waiting for, or what Onward can do."""
    state = work.plan.text if work.plan else "idle"
    offer = ctx.slots.get("offer")
    if state == "confirming" and offer:
        return w("unclear_offer", when=w.when(starts_of({"s": [offer["start"]]}, "s")[0]), reply=w.reply)
    if state == "choosing":
        return w("unclear_choices", choices=m.choices(w, starts_of(ctx.slots.get("choices"))))
    if state == "booking":
        return w("unclear_booking")
    return w("unclear")


REPLIES: dict[str, Say] = {
    "held": held, "confirmed": confirmed, "already_booked": confirmed, "awaiting_deposit": awaiting_deposit,
    "moved": moved, "cancelled": cancelled, "choices_offered": choices, "refuse": refused, "too_late": too_late,
    "no_booking": no_booking, "asked_which": which, "ask_service": ask_service, "ask_when": ask_when,
    "ask_time": ask_time, "visit_confirmed": visit_confirmed, "nothing_to_confirm": nothing_to_confirm,
    "choices_again": choices_again, "declined": declined, "noted": noted, "answer": answer,
    "team_told": team_told, "no_operator": no_operator, "name_noted": name_noted, "greeting": greeting,
    "unlisted": unlisted, "handed_off": handed_off, "not_understood": not_understood,
}

"""The communication agent: the reply, and the confirmations beside it.

The reply answers on the channel the customer used (TwiML for texts, speech for calls,
JSON for the API). A booking made, moved or cancelled is also told to the operator
(purpose notice), and to the customer by text when they called or came through the API
(purpose confirmation), since those channels leave them nothing to keep.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from agents.booking import messages as m
from agents.booking.calendar import booking_of
from agents.booking.lifecycle import service_of
from agents.booking.notices import tell_operator, text_customer
from agents.booking.slots import starts_of
from agents.booking.work import Work
from agents.context import ExecutionContext
from config.schema import Tenant

Say = Callable[[ExecutionContext, Session, Work, bool], str]
TEXTED_CHANNELS = ("sms", "mms")
NOTICES = {"confirmed": "New booking", "moved": "Moved", "cancelled": "Cancelled"}
URGENT = frozenset({"cancelled"})  # a freed chair the operator may fill: told at once



class CommunicationAgent:
    name = "communication"

    def run(self, ctx: ExecutionContext, session: Session, work: Work) -> ExecutionContext:
        voice = ctx.interaction.channel == "voice"
        text = REPLIES.get(work.result, not_understood)(ctx, session, work, voice)
        if work.ask_name:
            text += " What name should we put it under?" if not voice else " And what's your name?"
        ctx.reply(m.fit(text))
        if work.result in NOTICES:
            confirm_elsewhere(ctx, session, work)
        ctx.outcome = work.result
        return ctx


def confirm_elsewhere(ctx: ExecutionContext, session: Session, work: Work) -> None:
    booking, customer = work.booking, work.customer
    service = service_of(ctx.tenant, booking.service)
    name = service.name if service else booking.service
    tell_operator(session, ctx.tenant, m.operator_notice(
        ctx.tenant, NOTICES[work.result], name, booking.start, customer.name, customer.phone,
        old=work.moved_from), ctx.interaction_id, urgent=work.result in URGENT)
    if ctx.interaction.channel not in TEXTED_CHANNELS and service is not None:
        text = TEXTS[work.result](ctx.tenant, service, booking, False)
        text_customer(session, ctx.tenant, customer.phone, text, "confirmation", ctx.interaction_id)


def what_to_text(tenant: Tenant) -> str:
    example = tenant.services[0].name.lower() if tenant.services else "an appointment"
    return (f'You can book with {tenant.name} (e.g. "{example} tomorrow at 3pm"), ask our hours or '
            f"prices, or reply X to cancel a booking.")


# -- the replies, one per result -----------------------------------------------------------------

def held(ctx, session, work: Work, voice: bool) -> str:
    service = service_of(ctx.tenant, work.booking.service)
    if work.booking.moves_id:
        moving = booking_of(session, ctx.tenant.tenant, work.booking.moves_id)
        return m.move_offer(ctx.tenant, service, moving.start, work.booking.start, voice)
    return m.offer(ctx.tenant, service, work.booking.start, voice)


def confirmed(ctx, session, work: Work, voice: bool) -> str:
    return m.confirmation(ctx.tenant, service_of(ctx.tenant, work.booking.service), work.booking, voice)


def awaiting_deposit(ctx, session, work: Work, voice: bool) -> str:
    return m.deposit_due(ctx.tenant, service_of(ctx.tenant, work.booking.service), work.booking)


def moved(ctx, session, work: Work, voice: bool) -> str:
    return m.moved(ctx.tenant, service_of(ctx.tenant, work.booking.service), work.booking, voice)


def cancelled(ctx, session, work: Work, voice: bool) -> str:
    return m.cancelled(ctx.tenant, service_of(ctx.tenant, work.booking.service), work.booking, voice)


def choices(ctx, session, work: Work, voice: bool) -> str:
    plan, tenant = work.plan, ctx.tenant
    starts = starts_of(ctx.slots.get("choices"))
    if plan.reason is None:
        return f"Free times: {m.choices(tenant, starts, voice)}"
    return f"{_why(tenant, plan.reason, plan.start, voice)} Nearest free: {m.choices(tenant, starts, voice)}"


def _why(tenant: Tenant, reason: str, start, voice: bool) -> str:
    if reason == "full":
        return f"{m.day_of(tenant, start, voice)} is fully booked."
    if reason == "just_taken":
        return f"Sorry, {m.when(tenant, start, voice)} was just taken."
    return m.why_not(tenant, reason, start, voice)


def refused(ctx, session, work: Work, voice: bool) -> str:
    plan = work.plan
    if plan.reason == "past_day":
        return "That day has passed, which day would you like?"
    return f"{_why(ctx.tenant, plan.reason, plan.start, voice)} What other day or time would suit you?"


def too_late(ctx, session, work: Work, voice: bool) -> str:
    booking = booking_of(session, ctx.tenant.tenant, work.plan.booking_id)
    service = service_of(ctx.tenant, booking.service)
    return m.too_late_to_change(ctx.tenant, service, booking, voice)


def no_booking(ctx, session, work: Work, voice: bool) -> str:
    return "You have no upcoming appointments with us. Tell me a service and a time to book one."


def which(ctx, session, work: Work, voice: bool) -> str:
    bookings = [booking_of(session, ctx.tenant.tenant, i) for i in work.plan.bookings]
    services = {s.id: s for s in ctx.tenant.services}
    action = "cancel" if work.plan.text == "cancel" else "move"
    return m.which_booking(ctx.tenant, bookings, services, action, voice)


def ask_service(ctx, session, work: Work, voice: bool) -> str:
    return m.services_question(ctx.tenant, voice)


def ask_when(ctx, session, work: Work, voice: bool) -> str:
    service = service_of(ctx.tenant, work.plan.service)
    if work.plan.booking_id:
        return f"What day and time would suit you better for your {service.name}?"
    return f"Sure, a {service.name} ({m.price_of(service)}). What day and time would you like?"


def ask_time(ctx, session, work: Work, voice: bool) -> str:
    plan, tenant = work.plan, ctx.tenant
    return (f"What time on {m.day_of(tenant, plan.start, voice)}? We're open "
            f"{m.hours_on_day(tenant, plan.start)}; the first free time is {m.clock_at(tenant, plan.start)}.")


def visit_confirmed(ctx, session, work: Work, voice: bool) -> str:
    return f"Thanks, see you {m.when(ctx.tenant, work.booking.start, voice)}."


def nothing_to_confirm(ctx, session, work: Work, voice: bool) -> str:
    return f"There's nothing waiting for a yes. {what_to_text(ctx.tenant)}"


def choices_again(ctx, session, work: Work, voice: bool) -> str:
    starts = starts_of(ctx.slots.get("choices"))
    return f"Which one? {m.choices(ctx.tenant, starts, voice)}"


def declined(ctx, session, work: Work, voice: bool) -> str:
    return "OK, nothing is booked. Text us any time."


def noted(ctx, session, work: Work, voice: bool) -> str:
    return "OK. Text us any time."


def answer(ctx, session, work: Work, voice: bool) -> str:
    return work.plan.text


def team_told(ctx, session, work: Work, voice: bool) -> str:
    if work.plan.kind == "operator":
        return "I've asked the team to get back to you shortly."
    return "I'll ask the team and get back to you."


def no_operator(ctx, session, work: Work, voice: bool) -> str:
    return f"Please call us at {m.phone_words(ctx.tenant)}."


def name_noted(ctx, session, work: Work, voice: bool) -> str:
    name = work.customer.name if work.customer and work.customer.name else ""
    return f"Thanks, {name.split()[0]}!" if name else "Thanks!"


def not_understood(ctx, session, work: Work, voice: bool) -> str:
    state = work.plan.text if work.plan else "idle"
    offer = ctx.slots.get("offer")
    if state == "confirming" and offer:
        start = m.when(ctx.tenant, starts_of({"s": [offer["start"]]}, "s")[0], voice)
        return f"Sorry, I didn't get that. {m.say(voice)} YES to book {start}, or name another time."
    if state == "choosing":
        return f"Sorry, I didn't get that. {choices_again(ctx, session, work, voice)}"
    if state == "booking":
        return "Sorry, I didn't get that. Which day and time would you like?"
    return f"Sorry, I didn't get that. {what_to_text(ctx.tenant)}"


REPLIES: dict[str, Say] = {
    "held": held, "confirmed": confirmed, "already_booked": confirmed, "awaiting_deposit": awaiting_deposit,
    "moved": moved, "cancelled": cancelled, "choices_offered": choices, "refuse": refused, "too_late": too_late,
    "no_booking": no_booking, "asked_which": which, "ask_service": ask_service, "ask_when": ask_when,
    "ask_time": ask_time, "visit_confirmed": visit_confirmed, "nothing_to_confirm": nothing_to_confirm,
    "choices_again": choices_again, "declined": declined, "noted": noted, "answer": answer,
    "team_told": team_told, "no_operator": no_operator, "name_noted": name_noted,
    "not_understood": not_understood,
}
TEXTS = {"confirmed": m.confirmation, "moved": m.moved, "cancelled": m.cancelled}

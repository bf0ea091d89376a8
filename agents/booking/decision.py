"""The decision agent: from the intent, the customer's record and the calendar to a Plan.

One function per intent (DECISIONS). Answers about the business come from the tenant's
config only; times are judged by availability.py under the day's lock; changes to a
booking respect `booking.cancel_cutoff`.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from agents.booking import messages
from agents.booking.availability import hours_on, local_day
from agents.booking.calendar import HELD, booking_of, lock_days
from agents.booking.lifecycle import service_of, within_cutoff
from agents.booking.scheduling import plan_for_want, taken_time
from agents.booking.slots import Want, put_want, starts_of, state_of, want_of
from agents.booking.work import Plan, Work
from agents.context import ExecutionContext
from agents.understanding.result import Understanding
from store.models import Booking

Decide = Callable[[ExecutionContext, Session, Work], Plan]
PENDING = ("booking", "confirming", "choosing", "picking_booking")  # states a "no" answers


class DecisionAgent:
    name = "decision"

    def run(self, ctx: ExecutionContext, session: Session, work: Work) -> ExecutionContext:
        work.plan = DECISIONS.get(work.intent, decide_unclear)(ctx, session, work)
        ctx.outcome = work.plan.kind
        return ctx


# -- booking ------------------------------------------------------------------------------

def decide_book(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    fresh = state_of(ctx.slots) in ("idle", "naming", "picking_booking")
    if fresh:
        ctx.slots.pop("moving", None)
    want = merged(Want() if fresh else want_of(ctx.slots), ctx, work.heard)
    put_want(ctx.slots, want)
    return plan_for_want(ctx, session, want)


def merged(want: Want, ctx: ExecutionContext, heard: Understanding | None) -> Want:
    """What the customer wants, with what this text adds or changes ("make it 4" keeps
    the day; "Friday morning" drops the time asked before)."""
    if heard is None:
        return want
    given = {"service": heard.service, "day": heard.day, "time": heard.time, "period": heard.period}
    if heard.at is not None:
        local = heard.at.astimezone(ctx.tenant.zone)
        given |= {"day": local.date(), "time": local.time().replace(second=0, microsecond=0)}
    elif heard.period and heard.time is None:
        want = replace(want, time=None)
    return want.updated(**given)


def decide_confirm(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    state = state_of(ctx.slots)
    if state == "confirming":
        return accept_offer(ctx, session)
    if state == "choosing":
        return Plan("choices_again")
    reminded = _reminded(work)
    if reminded is not None:
        return Plan("visit_confirmed", booking_id=reminded.id)
    return Plan("nothing_to_confirm")


def accept_offer(ctx: ExecutionContext, session: Session) -> Plan:
    """YES to an offer: take it if the hold stands or the time is still free."""
    offer = ctx.slots["offer"]
    service = service_of(ctx.tenant, offer["service"])
    start = datetime.fromisoformat(offer["start"])
    moving = booking_of(session, ctx.tenant.tenant, ctx.slots.get("moving"))
    if moving is not None and within_cutoff(ctx.tenant, moving, ctx.now):
        return Plan("too_late", booking_id=moving.id)
    if service is None:
        return Plan("ask_service")
    lock_days(session, ctx.tenant.tenant, [local_day(ctx.tenant, start)])  # the day, then the row
    hold = booking_of(session, ctx.tenant.tenant, offer.get("hold"), lock=True)
    if _standing(hold, ctx.now):
        return Plan("accept", service=service.id, start=start, booking_id=hold.id)
    return taken_time(ctx, session, service, start) or Plan("take", service=service.id, start=start)


def _standing(hold: Booking | None, now: datetime) -> bool:
    return (hold is not None and hold.state == HELD and hold.accepted_at is None
            and hold.hold_expires_at is not None and hold.hold_expires_at > now)


def decide_pick(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    if "which" in ctx.slots:
        return _picked_booking(ctx, session, work)
    choices = ctx.slots["choices"]
    start = starts_of(choices)[work.pick - 1]
    service = service_of(ctx.tenant, choices["service"])
    if service is None:
        return Plan("ask_service")
    return taken_time(ctx, session, service, start) or Plan("take", service=service.id, start=start)


def _picked_booking(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    which = ctx.slots.pop("which")
    booking = booking_of(session, ctx.tenant.tenant, which["bookings"][work.pick - 1])
    if booking is None or booking not in work.upcoming:
        return Plan("no_booking", text=which["action"])
    return change_plan(ctx, session, work, booking, which["action"])


def decide_decline(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    """No to what is being booked lets it go; a no to nothing (or to the name question) is noted."""
    return Plan("declined") if state_of(ctx.slots) in PENDING else Plan("noted")


# -- changing a booking -----------------------------------------------------------------------

def decide_cancel(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    if not work.upcoming and state_of(ctx.slots) in ("confirming", "choosing"):
        return Plan("declined")
    return _target_plan(ctx, session, work, "cancel")


def decide_reschedule(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    if state_of(ctx.slots) in ("confirming", "choosing", "booking") and (
            not work.upcoming or "moving" in ctx.slots):
        return decide_book(ctx, session, work)  # "make it 4" changes what is being booked
    return _target_plan(ctx, session, work, "move")


def _target_plan(ctx: ExecutionContext, session: Session, work: Work, action: str) -> Plan:
    if not work.upcoming:
        return Plan("no_booking", text=action)
    booking = _target(ctx, work)
    if booking is None:
        return Plan("which", bookings=tuple(b.id for b in work.upcoming[:3]), text=action)
    return change_plan(ctx, session, work, booking, action)


def _target(ctx: ExecutionContext, work: Work) -> Booking | None:
    """The booking meant: the only one, the one reminded of (an R or X answer), or the
    only one on the day named."""
    if len(work.upcoming) == 1:
        return work.upcoming[0]
    heard = work.heard
    if heard is not None and heard.intent != work.intent:  # a reminder's letter
        return _reminded(work)
    day = heard.day if heard is not None and work.intent == "cancel" else None
    same_day = [b for b in work.upcoming if local_day(ctx.tenant, b.start) == day]
    return same_day[0] if len(same_day) == 1 else None


def change_plan(ctx: ExecutionContext, session: Session, work: Work, booking: Booking, action: str) -> Plan:
    if within_cutoff(ctx.tenant, booking, ctx.now):
        return Plan("too_late", booking_id=booking.id)
    if action == "cancel":
        return Plan("cancel", booking_id=booking.id)
    ctx.slots.pop("offer", None)
    ctx.slots["moving"] = booking.id
    want = merged(Want(service=booking.service), ctx, work.heard)
    put_want(ctx.slots, want)
    if want.day is None and want.time is None:
        return Plan("ask_when", service=booking.service, booking_id=booking.id)
    return plan_for_want(ctx, session, want)


def decide_visit(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    reminded = _reminded(work)
    if reminded is None:
        return Plan("no_booking", text="confirm")
    return Plan("visit_confirmed", booking_id=reminded.id)


def _reminded(work: Work) -> Booking | None:
    """The next booking the customer was reminded of, else their next booking."""
    reminded = [b for b in work.upcoming if b.reminded_at is not None]
    return (reminded or work.upcoming or [None])[0]


# -- questions ---------------------------------------------------------------------------------

def decide_hours(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    day = work.heard.day if work.heard else None
    if day is None:
        return Plan("answer", text=messages.hours_text(ctx.tenant))
    hours = hours_on(ctx.tenant, day)
    name = day.strftime("%A %b ") + str(day.day)
    if hours is None:
        return Plan("answer", text=f"We're closed on {name}.")
    opens, closes = messages.clock(hours[0]), messages.clock(hours[1])
    return Plan("answer", text=f"On {name} we're open {opens} to {closes}.")


def decide_prices(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    service = service_of(ctx.tenant, work.heard.service) if work.heard and work.heard.service else None
    if service is None:
        return Plan("answer", text=messages.prices_text(ctx.tenant))
    minutes = messages.span_words(service.duration)
    return Plan("answer", text=f"{service.name}: {messages.price_of(service)}, {minutes}. "
                               f"Text a day and time to book.")


def decide_faq(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    asked = work.heard.faq if work.heard else None
    entry = next((f for f in ctx.tenant.faq if f.q == asked), None)
    if entry is None:
        return Plan("ask_team")
    return Plan("answer", text=entry.a)


def decide_operator(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    return Plan("operator")


def decide_name(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    return Plan("name_noted")


def decide_unclear(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    if work.name:
        return Plan("name_noted")
    if ctx.text.rstrip().endswith("?"):
        return Plan("ask_team")
    return Plan("not_understood", text=state_of(ctx.slots))


DECISIONS: dict[str, Decide] = {
    "book": decide_book, "reschedule": decide_reschedule, "cancel": decide_cancel,
    "confirm": decide_confirm, "decline": decide_decline, "pick": decide_pick, "visit": decide_visit,
    "hours": decide_hours, "prices": decide_prices, "faq": decide_faq, "operator": decide_operator,
    "name": decide_name, "unclear": decide_unclear,
}

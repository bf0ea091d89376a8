"""The decision agent: from the intent, the customer's record and the calendar to a Plan.

One function per intent (DECISIONS). Booking decisions are here and in scheduling.py
(times are judged under the day's lock); changes to a booking in changes.py (the cancel
cutoff); questions in questions.py (the tenant's config only).
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from agents.booking.availability import local_day
from agents.booking.calendar import HELD, booking_of, lock_days
from agents.booking.changes import change_plan, changes_the_wish, plan_cancel, plan_visit, target_plan
from agents.booking.lifecycle import service_of, within_cutoff
from agents.booking.questions import (decide_faq, decide_hours, decide_name, decide_operator,
                                      decide_prices)
from agents.booking.scheduling import merged, plan_for_want, taken_time
from agents.booking.slots import Want, put_want, starts_of, state_of, want_of
from agents.booking.work import Plan, Work
from agents.context import ExecutionContext
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


def decide_confirm(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    state = state_of(ctx.slots)
    if state == "confirming":
        return accept_offer(ctx, session)
    if state == "choosing":
        return Plan("choices_again")
    return plan_visit(work) if work.upcoming else Plan("nothing_to_confirm")


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


def decide_cancel(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    return plan_cancel(ctx, session, work)


def decide_reschedule(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    if changes_the_wish(ctx, work):
        return decide_book(ctx, session, work)
    return target_plan(ctx, session, work, "move")


def decide_visit(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    return plan_visit(work)


def decide_decline(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    """No to what is being booked lets it go; a no to nothing (or to the name question) is noted."""
    return Plan("declined") if state_of(ctx.slots) in PENDING else Plan("noted")


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
    "name": decide_name, "unclear": decide_unclear, "greeting": lambda *_: Plan("greeting"),
    "unlisted": lambda *_: Plan("unlisted"), "ask_team": lambda *_: Plan("ask_team"),
}
